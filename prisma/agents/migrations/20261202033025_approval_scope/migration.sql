-- AlterTable
ALTER TABLE "agents"."agent_approvals" ADD COLUMN     "scope_ids" TEXT[] DEFAULT ARRAY[]::TEXT[];
