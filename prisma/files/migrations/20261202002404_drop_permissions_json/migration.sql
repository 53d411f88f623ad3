-- AlterTable
ALTER TABLE "files"."box_items" DROP COLUMN "permissions";

-- CreateIndex
CREATE INDEX "box_items_owner_box_user_id_idx" ON "files"."box_items"("owner_box_user_id");
