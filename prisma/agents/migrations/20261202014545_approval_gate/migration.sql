-- AlterTable
ALTER TABLE "agents"."agent_approvals" ADD COLUMN     "applied_at" TIMESTAMPTZ(3),
ADD COLUMN     "diff" JSONB,
ADD COLUMN     "expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "operation" TEXT,
ADD COLUMN     "operation_name" TEXT,
ADD COLUMN     "subgraph" TEXT,
ADD COLUMN     "target_before" JSONB,
ADD COLUMN     "target_version" TEXT,
ADD COLUMN     "variables" JSONB;

-- CreateIndex
CREATE INDEX "agent_approvals_target_id_idx" ON "agents"."agent_approvals"("target_id");
