-- CreateTable
CREATE TABLE "files"."box_sync_seen" (
    "sync_key" TEXT NOT NULL,
    "box_item_id" TEXT NOT NULL,
    "is_folder" BOOLEAN NOT NULL,
    "walked" BOOLEAN NOT NULL DEFAULT false,
    "marker" TEXT,

    CONSTRAINT "box_sync_seen_pkey" PRIMARY KEY ("sync_key","box_item_id")
);

-- CreateIndex
CREATE INDEX "box_sync_seen_sync_key_is_folder_walked_idx" ON "files"."box_sync_seen"("sync_key", "is_folder", "walked");
