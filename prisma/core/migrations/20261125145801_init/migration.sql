-- CreateEnum
CREATE TYPE "core"."Visibility" AS ENUM ('internal', 'restricted');

-- CreateEnum
CREATE TYPE "core"."ProjectKind" AS ENUM ('project', 'workstream', 'event', 'product');

-- CreateEnum
CREATE TYPE "core"."ProjectStatus" AS ENUM ('planned', 'active', 'on_hold', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "core"."ContractStatus" AS ENUM ('draft', 'active', 'expired', 'terminated');

-- CreateEnum
CREATE TYPE "core"."GrantStatus" AS ENUM ('prospect', 'applied', 'awarded', 'reporting', 'closed', 'declined');

-- CreateEnum
CREATE TYPE "core"."ActionStatus" AS ENUM ('open', 'in_progress', 'done', 'cancelled');

-- CreateEnum
CREATE TYPE "core"."TripStatus" AS ENUM ('planned', 'booked', 'completed', 'cancelled');

-- CreateTable
CREATE TABLE "core"."people" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "full_name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "title" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "people_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."organizations" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT,
    "website" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."meetings" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3),
    "location" TEXT,
    "is_external" BOOLEAN NOT NULL DEFAULT false,
    "notes" TEXT,
    "visibility" "core"."Visibility" NOT NULL DEFAULT 'internal',
    "owner_user_id" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "meetings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."projects" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "core"."ProjectKind" NOT NULL DEFAULT 'project',
    "status" "core"."ProjectStatus" NOT NULL DEFAULT 'active',
    "description" TEXT,
    "start_date" DATE,
    "end_date" DATE,
    "parent_id" INTEGER,
    "visibility" "core"."Visibility" NOT NULL DEFAULT 'internal',
    "owner_user_id" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."contracts" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" "core"."ContractStatus" NOT NULL DEFAULT 'draft',
    "organization_id" INTEGER NOT NULL,
    "project_id" INTEGER,
    "grant_id" INTEGER,
    "start_date" DATE,
    "end_date" DATE,
    "value_cents" BIGINT,
    "currency" CHAR(3),
    "agreement_terms" TEXT,
    "billing_terms" TEXT,
    "reporting_terms" TEXT,
    "compliance_terms" TEXT,
    "visibility" "core"."Visibility" NOT NULL DEFAULT 'internal',
    "owner_user_id" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "contracts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."trips" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "destination" TEXT,
    "status" "core"."TripStatus" NOT NULL DEFAULT 'planned',
    "starts_on" DATE,
    "ends_on" DATE,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "trips_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."grants" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" "core"."GrantStatus" NOT NULL DEFAULT 'prospect',
    "amount_cents" BIGINT,
    "currency" CHAR(3),
    "start_date" DATE,
    "end_date" DATE,
    "reporting_due_date" DATE,
    "visibility" "core"."Visibility" NOT NULL DEFAULT 'internal',
    "owner_user_id" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."actions" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" "core"."ActionStatus" NOT NULL DEFAULT 'open',
    "due_on" DATE,
    "assignee_user_id" TEXT,
    "creator_user_id" TEXT,
    "meeting_id" INTEGER,
    "project_id" INTEGER,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "actions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."decisions" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "decided_on" DATE,
    "meeting_id" INTEGER,
    "project_id" INTEGER,
    "visibility" "core"."Visibility" NOT NULL DEFAULT 'internal',
    "owner_user_id" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "decisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."entity_links" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "from_type" TEXT NOT NULL,
    "from_id" TEXT NOT NULL,
    "to_type" TEXT NOT NULL,
    "to_id" TEXT NOT NULL,
    "link_type" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entity_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "core"."organization_person" (
    "organization_id" INTEGER NOT NULL,
    "person_id" INTEGER NOT NULL,
    "role" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_person_pkey" PRIMARY KEY ("organization_id","person_id")
);

-- CreateTable
CREATE TABLE "core"."organization_grant" (
    "organization_id" INTEGER NOT NULL,
    "grant_id" INTEGER NOT NULL,
    "role" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_grant_pkey" PRIMARY KEY ("organization_id","grant_id")
);

-- CreateTable
CREATE TABLE "core"."meeting_person" (
    "meeting_id" INTEGER NOT NULL,
    "person_id" INTEGER NOT NULL,
    "role" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meeting_person_pkey" PRIMARY KEY ("meeting_id","person_id")
);

-- CreateTable
CREATE TABLE "core"."meeting_organization" (
    "meeting_id" INTEGER NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "role" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meeting_organization_pkey" PRIMARY KEY ("meeting_id","organization_id")
);

-- CreateTable
CREATE TABLE "core"."meeting_project" (
    "meeting_id" INTEGER NOT NULL,
    "project_id" INTEGER NOT NULL,
    "role" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meeting_project_pkey" PRIMARY KEY ("meeting_id","project_id")
);

-- CreateTable
CREATE TABLE "core"."project_person" (
    "project_id" INTEGER NOT NULL,
    "person_id" INTEGER NOT NULL,
    "role" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_person_pkey" PRIMARY KEY ("project_id","person_id")
);

-- CreateTable
CREATE TABLE "core"."project_organization" (
    "project_id" INTEGER NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "role" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_organization_pkey" PRIMARY KEY ("project_id","organization_id")
);

-- CreateTable
CREATE TABLE "core"."project_grant" (
    "project_id" INTEGER NOT NULL,
    "grant_id" INTEGER NOT NULL,
    "role" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_grant_pkey" PRIMARY KEY ("project_id","grant_id")
);

-- CreateTable
CREATE TABLE "core"."project_trip" (
    "project_id" INTEGER NOT NULL,
    "trip_id" INTEGER NOT NULL,
    "role" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_trip_pkey" PRIMARY KEY ("project_id","trip_id")
);

-- CreateTable
CREATE TABLE "core"."meeting_user" (
    "meeting_id" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meeting_user_pkey" PRIMARY KEY ("meeting_id","user_id","role")
);

-- CreateTable
CREATE TABLE "core"."project_user" (
    "project_id" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_user_pkey" PRIMARY KEY ("project_id","user_id","role")
);

-- CreateTable
CREATE TABLE "core"."trip_user" (
    "trip_id" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trip_user_pkey" PRIMARY KEY ("trip_id","user_id","role")
);

-- CreateIndex
CREATE UNIQUE INDEX "people_external_id_key" ON "core"."people"("external_id");

-- CreateIndex
CREATE INDEX "people_email_idx" ON "core"."people"("email");

-- CreateIndex
CREATE UNIQUE INDEX "organizations_external_id_key" ON "core"."organizations"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "meetings_external_id_key" ON "core"."meetings"("external_id");

-- CreateIndex
CREATE INDEX "meetings_starts_at_idx" ON "core"."meetings"("starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "projects_external_id_key" ON "core"."projects"("external_id");

-- CreateIndex
CREATE INDEX "projects_parent_id_idx" ON "core"."projects"("parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "contracts_external_id_key" ON "core"."contracts"("external_id");

-- CreateIndex
CREATE INDEX "contracts_organization_id_idx" ON "core"."contracts"("organization_id");

-- CreateIndex
CREATE INDEX "contracts_project_id_idx" ON "core"."contracts"("project_id");

-- CreateIndex
CREATE INDEX "contracts_grant_id_idx" ON "core"."contracts"("grant_id");

-- CreateIndex
CREATE UNIQUE INDEX "trips_external_id_key" ON "core"."trips"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "grants_external_id_key" ON "core"."grants"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "actions_external_id_key" ON "core"."actions"("external_id");

-- CreateIndex
CREATE INDEX "actions_assignee_user_id_idx" ON "core"."actions"("assignee_user_id");

-- CreateIndex
CREATE INDEX "actions_creator_user_id_idx" ON "core"."actions"("creator_user_id");

-- CreateIndex
CREATE INDEX "actions_meeting_id_idx" ON "core"."actions"("meeting_id");

-- CreateIndex
CREATE INDEX "actions_project_id_idx" ON "core"."actions"("project_id");

-- CreateIndex
CREATE UNIQUE INDEX "decisions_external_id_key" ON "core"."decisions"("external_id");

-- CreateIndex
CREATE INDEX "decisions_meeting_id_idx" ON "core"."decisions"("meeting_id");

-- CreateIndex
CREATE INDEX "decisions_project_id_idx" ON "core"."decisions"("project_id");

-- CreateIndex
CREATE UNIQUE INDEX "entity_links_external_id_key" ON "core"."entity_links"("external_id");

-- CreateIndex
CREATE INDEX "entity_links_to_id_idx" ON "core"."entity_links"("to_id");

-- CreateIndex
CREATE UNIQUE INDEX "entity_links_from_id_to_id_link_type_key" ON "core"."entity_links"("from_id", "to_id", "link_type");

-- CreateIndex
CREATE INDEX "organization_person_person_id_idx" ON "core"."organization_person"("person_id");

-- CreateIndex
CREATE INDEX "organization_grant_grant_id_idx" ON "core"."organization_grant"("grant_id");

-- CreateIndex
CREATE INDEX "meeting_person_person_id_idx" ON "core"."meeting_person"("person_id");

-- CreateIndex
CREATE INDEX "meeting_organization_organization_id_idx" ON "core"."meeting_organization"("organization_id");

-- CreateIndex
CREATE INDEX "meeting_project_project_id_idx" ON "core"."meeting_project"("project_id");

-- CreateIndex
CREATE INDEX "project_person_person_id_idx" ON "core"."project_person"("person_id");

-- CreateIndex
CREATE INDEX "project_organization_organization_id_idx" ON "core"."project_organization"("organization_id");

-- CreateIndex
CREATE INDEX "project_grant_grant_id_idx" ON "core"."project_grant"("grant_id");

-- CreateIndex
CREATE INDEX "project_trip_trip_id_idx" ON "core"."project_trip"("trip_id");

-- CreateIndex
CREATE INDEX "meeting_user_user_id_idx" ON "core"."meeting_user"("user_id");

-- CreateIndex
CREATE INDEX "project_user_user_id_idx" ON "core"."project_user"("user_id");

-- CreateIndex
CREATE INDEX "trip_user_user_id_idx" ON "core"."trip_user"("user_id");

-- AddForeignKey
ALTER TABLE "core"."projects" ADD CONSTRAINT "projects_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "core"."projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."contracts" ADD CONSTRAINT "contracts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "core"."organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."contracts" ADD CONSTRAINT "contracts_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "core"."projects"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."contracts" ADD CONSTRAINT "contracts_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "core"."grants"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."actions" ADD CONSTRAINT "actions_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "core"."meetings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."actions" ADD CONSTRAINT "actions_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "core"."projects"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."decisions" ADD CONSTRAINT "decisions_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "core"."meetings"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."decisions" ADD CONSTRAINT "decisions_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "core"."projects"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."organization_person" ADD CONSTRAINT "organization_person_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "core"."organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."organization_person" ADD CONSTRAINT "organization_person_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "core"."people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."organization_grant" ADD CONSTRAINT "organization_grant_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "core"."organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."organization_grant" ADD CONSTRAINT "organization_grant_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "core"."grants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."meeting_person" ADD CONSTRAINT "meeting_person_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "core"."meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."meeting_person" ADD CONSTRAINT "meeting_person_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "core"."people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."meeting_organization" ADD CONSTRAINT "meeting_organization_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "core"."meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."meeting_organization" ADD CONSTRAINT "meeting_organization_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "core"."organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."meeting_project" ADD CONSTRAINT "meeting_project_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "core"."meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."meeting_project" ADD CONSTRAINT "meeting_project_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "core"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."project_person" ADD CONSTRAINT "project_person_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "core"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."project_person" ADD CONSTRAINT "project_person_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "core"."people"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."project_organization" ADD CONSTRAINT "project_organization_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "core"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."project_organization" ADD CONSTRAINT "project_organization_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "core"."organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."project_grant" ADD CONSTRAINT "project_grant_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "core"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."project_grant" ADD CONSTRAINT "project_grant_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "core"."grants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."project_trip" ADD CONSTRAINT "project_trip_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "core"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."project_trip" ADD CONSTRAINT "project_trip_trip_id_fkey" FOREIGN KEY ("trip_id") REFERENCES "core"."trips"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."meeting_user" ADD CONSTRAINT "meeting_user_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "core"."meetings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."project_user" ADD CONSTRAINT "project_user_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "core"."projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "core"."trip_user" ADD CONSTRAINT "trip_user_trip_id_fkey" FOREIGN KEY ("trip_id") REFERENCES "core"."trips"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ==== BEGIN hand-written SQL, copied verbatim from prisma/core/constraints.sql ====
-- Prisma does not model these; the drift test checks they do not show up as drift.
-- Invariants Prisma cannot express. Appended verbatim to the slice's migration.
ALTER TABLE "core"."people" ADD CONSTRAINT "people_external_id_format" CHECK (external_id ~ '^per_[0-9a-z]{6,32}$');
ALTER TABLE "core"."people" ADD CONSTRAINT "people_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."organizations" ADD CONSTRAINT "organizations_external_id_format" CHECK (external_id ~ '^org_[0-9a-z]{6,32}$');
ALTER TABLE "core"."organizations" ADD CONSTRAINT "organizations_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."meetings" ADD CONSTRAINT "meetings_external_id_format" CHECK (external_id ~ '^mtg_[0-9a-z]{6,32}$');
ALTER TABLE "core"."meetings" ADD CONSTRAINT "meetings_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."projects" ADD CONSTRAINT "projects_external_id_format" CHECK (external_id ~ '^prj_[0-9a-z]{6,32}$');
ALTER TABLE "core"."projects" ADD CONSTRAINT "projects_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."contracts" ADD CONSTRAINT "contracts_external_id_format" CHECK (external_id ~ '^ctr_[0-9a-z]{6,32}$');
ALTER TABLE "core"."contracts" ADD CONSTRAINT "contracts_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."trips" ADD CONSTRAINT "trips_external_id_format" CHECK (external_id ~ '^trp_[0-9a-z]{6,32}$');
ALTER TABLE "core"."trips" ADD CONSTRAINT "trips_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."grants" ADD CONSTRAINT "grants_external_id_format" CHECK (external_id ~ '^gnt_[0-9a-z]{6,32}$');
ALTER TABLE "core"."grants" ADD CONSTRAINT "grants_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."actions" ADD CONSTRAINT "actions_external_id_format" CHECK (external_id ~ '^act_[0-9a-z]{6,32}$');
ALTER TABLE "core"."actions" ADD CONSTRAINT "actions_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."decisions" ADD CONSTRAINT "decisions_external_id_format" CHECK (external_id ~ '^dec_[0-9a-z]{6,32}$');
ALTER TABLE "core"."decisions" ADD CONSTRAINT "decisions_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."entity_links" ADD CONSTRAINT "entity_links_external_id_format" CHECK (external_id ~ '^lnk_[0-9a-z]{6,32}$');
ALTER TABLE "core"."entity_links" ADD CONSTRAINT "entity_links_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."organization_person" ADD CONSTRAINT "organization_person_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."organization_grant" ADD CONSTRAINT "organization_grant_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."meeting_person" ADD CONSTRAINT "meeting_person_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."meeting_organization" ADD CONSTRAINT "meeting_organization_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."meeting_project" ADD CONSTRAINT "meeting_project_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."project_person" ADD CONSTRAINT "project_person_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."project_organization" ADD CONSTRAINT "project_organization_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."project_grant" ADD CONSTRAINT "project_grant_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."project_trip" ADD CONSTRAINT "project_trip_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."meeting_user" ADD CONSTRAINT "meeting_user_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."project_user" ADD CONSTRAINT "project_user_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."trip_user" ADD CONSTRAINT "trip_user_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "core"."projects" ADD CONSTRAINT "projects_not_own_parent" CHECK (parent_id IS NULL OR parent_id <> id);
ALTER TABLE "core"."projects" ADD CONSTRAINT "projects_dates_ordered" CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date);
ALTER TABLE "core"."contracts" ADD CONSTRAINT "contracts_dates_ordered" CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date);
ALTER TABLE "core"."contracts" ADD CONSTRAINT "contracts_value_with_currency" CHECK ((value_cents IS NULL OR value_cents >= 0) AND (value_cents IS NULL OR currency ~ '^[A-Z]{3}$'));
ALTER TABLE "core"."grants" ADD CONSTRAINT "grants_amount_with_currency" CHECK ((amount_cents IS NULL OR amount_cents >= 0) AND (amount_cents IS NULL OR currency ~ '^[A-Z]{3}$'));
ALTER TABLE "core"."meetings" ADD CONSTRAINT "meetings_times_ordered" CHECK (ends_at IS NULL OR ends_at >= starts_at);
ALTER TABLE "core"."trips" ADD CONSTRAINT "trips_dates_ordered" CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on);
ALTER TABLE "core"."entity_links" ADD CONSTRAINT "entity_links_not_self" CHECK (from_id <> to_id);
ALTER TABLE "core"."entity_links" ADD CONSTRAINT "entity_links_typed" CHECK (from_type <> '' AND to_type <> '' AND link_type ~ '^[a-z][a-z0-9_]{0,63}$');
ALTER TABLE "core"."meeting_user" ADD CONSTRAINT "meeting_user_role" CHECK (role IN ('owner', 'participant'));
ALTER TABLE "core"."project_user" ADD CONSTRAINT "project_user_role" CHECK (role IN ('owner', 'contributor'));
ALTER TABLE "core"."trip_user" ADD CONSTRAINT "trip_user_role" CHECK (role IN ('traveler', 'creator'));
-- ==== END hand-written SQL from prisma/core/constraints.sql ====
