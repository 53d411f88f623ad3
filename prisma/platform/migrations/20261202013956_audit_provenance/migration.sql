-- AlterTable
ALTER TABLE "platform"."audit_logs" ADD COLUMN     "on_behalf_of" TEXT,
ADD COLUMN     "run_id" TEXT,
ADD COLUMN     "source_refs" JSONB;

-- CreateIndex
CREATE INDEX "audit_logs_run_id_idx" ON "platform"."audit_logs"("run_id");
