-- CreateEnum
CREATE TYPE "agents"."FactStatus" AS ENUM ('active', 'deprecated', 'superseded');

-- AlterEnum (renamed in place: stored reviews keep their state)
ALTER TYPE "agents"."ReviewState" RENAME VALUE 'accepted' TO 'approved';

-- AlterTable
ALTER TABLE "agents"."knowledge_facts" ADD COLUMN     "status" "agents"."FactStatus" NOT NULL DEFAULT 'active',
ADD COLUMN     "status_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "status_changed_by" TEXT,
ADD COLUMN     "status_reason" TEXT,
ADD COLUMN     "superseded_by_id" INTEGER,
ADD COLUMN     "valid_from" DATE,
ADD COLUMN     "valid_to" DATE;

-- AlterTable
ALTER TABLE "agents"."knowledge_insights" ADD COLUMN     "review_reason" TEXT,
ADD COLUMN     "reviewed_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE UNIQUE INDEX "knowledge_facts_superseded_by_id_key" ON "agents"."knowledge_facts"("superseded_by_id");

-- AddForeignKey
ALTER TABLE "agents"."knowledge_facts" ADD CONSTRAINT "knowledge_facts_superseded_by_id_fkey" FOREIGN KEY ("superseded_by_id") REFERENCES "agents"."knowledge_facts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written (also in prisma/agents/constraints.sql): facts and insights are never deleted; their states hold together.
CREATE FUNCTION "agents".refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never deleted (deprecate or supersede them)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER knowledge_facts_never_deleted BEFORE DELETE ON "agents"."knowledge_facts" FOR EACH ROW EXECUTE FUNCTION "agents".refuse_delete();
CREATE TRIGGER knowledge_insights_never_deleted BEFORE DELETE ON "agents"."knowledge_insights" FOR EACH ROW EXECUTE FUNCTION "agents".refuse_delete();
ALTER TABLE "agents"."knowledge_facts" ADD CONSTRAINT "knowledge_facts_status" CHECK (
  (status = 'active') = (status_changed_at IS NULL AND status_changed_by IS NULL AND status_reason IS NULL)
  AND (status = 'superseded') = (superseded_by_id IS NOT NULL)
  AND superseded_by_id IS DISTINCT FROM id);
ALTER TABLE "agents"."knowledge_facts" ADD CONSTRAINT "knowledge_facts_validity" CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to);
ALTER TABLE "agents"."knowledge_insights" ADD CONSTRAINT "knowledge_insights_review" CHECK (
  (review_state IN ('approved', 'rejected')) = (reviewed_by IS NOT NULL AND reviewed_at IS NOT NULL)
  AND (review_state <> 'rejected' OR review_reason IS NOT NULL));
