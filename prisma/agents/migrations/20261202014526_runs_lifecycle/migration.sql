-- Runs: task and parameters (renamed from prompt and runtime_metadata), outcome (tokens, cost, error), the time of
-- their last activity (the abandon job's clock) and the ABANDONED status; steps: a status enum and their duration.
CREATE TYPE "agents"."AgentStepStatus" AS ENUM ('succeeded', 'failed');

ALTER TYPE "agents"."AgentRunStatus" ADD VALUE 'abandoned';

ALTER TABLE "agents"."agent_runs" RENAME COLUMN "prompt" TO "task";
ALTER TABLE "agents"."agent_runs" RENAME COLUMN "runtime_metadata" TO "parameters";
ALTER TABLE "agents"."agent_runs" ADD COLUMN "cost_usd" DECIMAL(14,6),
ADD COLUMN "error" TEXT,
ADD COLUMN "last_activity_at" TIMESTAMPTZ(3),
ADD COLUMN "tokens" INTEGER;
UPDATE "agents"."agent_runs" SET last_activity_at = COALESCE(finished_at, started_at, created_at);

ALTER TABLE "agents"."agent_steps" ADD COLUMN "duration_ms" INTEGER;
ALTER TABLE "agents"."agent_steps" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "agents"."agent_steps" ALTER COLUMN "status" TYPE "agents"."AgentStepStatus"
  USING (CASE WHEN status = 'failed' THEN 'failed' ELSE 'succeeded' END)::"agents"."AgentStepStatus";
ALTER TABLE "agents"."agent_steps" ALTER COLUMN "status" SET DEFAULT 'succeeded';

CREATE INDEX "agent_runs_status_last_activity_at_idx" ON "agents"."agent_runs"("status", "last_activity_at");

-- Hand-written (also in prisma/agents/constraints.sql). The new enum value cannot be named in this transaction,
-- hence status::text.
ALTER TABLE "agents"."agent_runs" ADD CONSTRAINT "agent_runs_finished" CHECK ((finished_at IS NULL) = (status::text IN ('queued', 'running', 'waiting_approval')));
ALTER TABLE "agents"."agent_runs" ADD CONSTRAINT "agent_runs_outcome" CHECK ((tokens IS NULL OR tokens >= 0) AND (cost_usd IS NULL OR cost_usd >= 0));
ALTER TABLE "agents"."agent_steps" ADD CONSTRAINT "agent_steps_duration" CHECK (duration_ms IS NULL OR duration_ms >= 0);
