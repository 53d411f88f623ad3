-- CreateEnum
CREATE TYPE "identity"."UserRole" AS ENUM ('admin', 'staff', 'restricted');

-- CreateEnum
CREATE TYPE "identity"."AuthState" AS ENUM ('active', 'invited', 'disabled');

-- CreateEnum
CREATE TYPE "identity"."SubjectType" AS ENUM ('user', 'team', 'role');

-- CreateEnum
CREATE TYPE "identity"."PermissionLevel" AS ENUM ('read', 'write', 'admin');

-- CreateTable
CREATE TABLE "identity"."users" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "identity"."UserRole" NOT NULL DEFAULT 'staff',
    "auth_state" "identity"."AuthState" NOT NULL DEFAULT 'active',
    "box_user_id" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."teams" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."team_memberships" (
    "team_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'member',
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "team_memberships_pkey" PRIMARY KEY ("team_id","user_id")
);

-- CreateTable
CREATE TABLE "identity"."entity_permissions" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "subject_type" "identity"."SubjectType" NOT NULL,
    "subject_id" TEXT NOT NULL,
    "permission" "identity"."PermissionLevel" NOT NULL,
    "granted_by" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entity_permissions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_external_id_key" ON "identity"."users"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "identity"."users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "teams_external_id_key" ON "identity"."teams"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "teams_slug_key" ON "identity"."teams"("slug");

-- CreateIndex
CREATE INDEX "team_memberships_user_id_idx" ON "identity"."team_memberships"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "entity_permissions_external_id_key" ON "identity"."entity_permissions"("external_id");

-- CreateIndex
CREATE INDEX "entity_permissions_subject_type_subject_id_idx" ON "identity"."entity_permissions"("subject_type", "subject_id");

-- CreateIndex
CREATE UNIQUE INDEX "entity_permissions_entity_id_subject_type_subject_id_permis_key" ON "identity"."entity_permissions"("entity_id", "subject_type", "subject_id", "permission");

-- AddForeignKey
ALTER TABLE "identity"."team_memberships" ADD CONSTRAINT "team_memberships_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "identity"."teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity"."team_memberships" ADD CONSTRAINT "team_memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "identity"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ==== BEGIN hand-written SQL, copied verbatim from prisma/identity/constraints.sql ====
-- Prisma does not model these; the drift test checks they do not show up as drift.
-- Invariants Prisma cannot express. Appended verbatim to the slice's migration.
ALTER TABLE "identity"."users" ADD CONSTRAINT "users_external_id_format" CHECK (external_id ~ '^usr_[0-9a-z]{6,32}$');
ALTER TABLE "identity"."teams" ADD CONSTRAINT "teams_external_id_format" CHECK (external_id ~ '^team_[0-9a-z]{6,32}$');
ALTER TABLE "identity"."entity_permissions" ADD CONSTRAINT "entity_permissions_external_id_format" CHECK (external_id ~ '^prm_[0-9a-z]{6,32}$');
ALTER TABLE "identity"."users" ADD CONSTRAINT "users_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "identity"."teams" ADD CONSTRAINT "teams_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "identity"."entity_permissions" ADD CONSTRAINT "entity_permissions_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "identity"."team_memberships" ADD CONSTRAINT "team_memberships_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "identity"."users" ADD CONSTRAINT "users_email_lowercase" CHECK (email = lower(email) AND email LIKE '%_@_%');
ALTER TABLE "identity"."entity_permissions" ADD CONSTRAINT "entity_permissions_not_empty" CHECK (entity_id <> '' AND subject_id <> '' AND granted_by <> '');
-- ==== END hand-written SQL from prisma/identity/constraints.sql ====
