-- CreateEnum
CREATE TYPE "files"."BoxPrincipalType" AS ENUM ('user', 'group');

-- CreateEnum
CREATE TYPE "files"."BoxCollaborationStatus" AS ENUM ('accepted', 'pending', 'rejected');

-- AlterTable
ALTER TABLE "files"."box_items" ADD COLUMN     "owner_box_user_id" TEXT,
ADD COLUMN     "path" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "shared_link" JSONB,
ADD COLUMN     "trashed_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "files"."box_collaborations" (
    "id" SERIAL NOT NULL,
    "box_collaboration_id" TEXT NOT NULL,
    "box_item_id" TEXT NOT NULL,
    "principal_type" "files"."BoxPrincipalType" NOT NULL,
    "principal_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "status" "files"."BoxCollaborationStatus" NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "is_access_only" BOOLEAN NOT NULL DEFAULT false,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "box_collaborations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "files"."box_users" (
    "id" SERIAL NOT NULL,
    "box_user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "login" TEXT,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "box_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "files"."box_groups" (
    "id" SERIAL NOT NULL,
    "box_group_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "box_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "files"."box_group_memberships" (
    "id" SERIAL NOT NULL,
    "box_membership_id" TEXT,
    "box_group_id" TEXT NOT NULL,
    "box_user_id" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'member',
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "box_group_memberships_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "files"."box_item_ancestors" (
    "item_box_id" TEXT NOT NULL,
    "ancestor_box_id" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,

    CONSTRAINT "box_item_ancestors_pkey" PRIMARY KEY ("item_box_id","ancestor_box_id")
);

-- CreateTable
CREATE TABLE "files"."box_sync_state" (
    "key" TEXT NOT NULL,
    "stream_position" TEXT,
    "cursor" JSONB,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "box_sync_state_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "box_collaborations_box_collaboration_id_key" ON "files"."box_collaborations"("box_collaboration_id");

-- CreateIndex
CREATE INDEX "box_collaborations_box_item_id_idx" ON "files"."box_collaborations"("box_item_id");

-- CreateIndex
CREATE INDEX "box_collaborations_principal_type_principal_id_idx" ON "files"."box_collaborations"("principal_type", "principal_id");

-- CreateIndex
CREATE UNIQUE INDEX "box_users_box_user_id_key" ON "files"."box_users"("box_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "box_groups_box_group_id_key" ON "files"."box_groups"("box_group_id");

-- CreateIndex
CREATE UNIQUE INDEX "box_group_memberships_box_membership_id_key" ON "files"."box_group_memberships"("box_membership_id");

-- CreateIndex
CREATE INDEX "box_group_memberships_box_user_id_idx" ON "files"."box_group_memberships"("box_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "box_group_memberships_box_group_id_box_user_id_key" ON "files"."box_group_memberships"("box_group_id", "box_user_id");

-- CreateIndex
CREATE INDEX "box_item_ancestors_ancestor_box_id_idx" ON "files"."box_item_ancestors"("ancestor_box_id");
