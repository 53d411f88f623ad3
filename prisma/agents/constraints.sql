-- Invariants Prisma cannot express. Appended verbatim to the slice's migration.
ALTER TABLE "agents"."agent_runs" ADD CONSTRAINT "agent_runs_external_id_format" CHECK (external_id ~ '^run_[0-9a-z]{6,32}$');
ALTER TABLE "agents"."agent_runs" ADD CONSTRAINT "agent_runs_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "agents"."agent_steps" ADD CONSTRAINT "agent_steps_external_id_format" CHECK (external_id ~ '^stp_[0-9a-z]{6,32}$');
ALTER TABLE "agents"."agent_steps" ADD CONSTRAINT "agent_steps_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "agents"."agent_approvals" ADD CONSTRAINT "agent_approvals_external_id_format" CHECK (external_id ~ '^apr_[0-9a-z]{6,32}$');
ALTER TABLE "agents"."agent_approvals" ADD CONSTRAINT "agent_approvals_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "agents"."knowledge_facts" ADD CONSTRAINT "knowledge_facts_external_id_format" CHECK (external_id ~ '^fct_[0-9a-z]{6,32}$');
ALTER TABLE "agents"."knowledge_facts" ADD CONSTRAINT "knowledge_facts_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "agents"."knowledge_insights" ADD CONSTRAINT "knowledge_insights_external_id_format" CHECK (external_id ~ '^ins_[0-9a-z]{6,32}$');
ALTER TABLE "agents"."knowledge_insights" ADD CONSTRAINT "knowledge_insights_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "agents"."agent_steps" ADD CONSTRAINT "agent_steps_source_refs_not_empty" CHECK (jsonb_typeof(source_refs) = 'array' AND jsonb_array_length(source_refs) > 0);
ALTER TABLE "agents"."agent_approvals" ADD CONSTRAINT "agent_approvals_source_refs_not_empty" CHECK (jsonb_typeof(source_refs) = 'array' AND jsonb_array_length(source_refs) > 0);
ALTER TABLE "agents"."knowledge_facts" ADD CONSTRAINT "knowledge_facts_source_refs_not_empty" CHECK (jsonb_typeof(source_refs) = 'array' AND jsonb_array_length(source_refs) > 0);
ALTER TABLE "agents"."knowledge_insights" ADD CONSTRAINT "knowledge_insights_source_refs_not_empty" CHECK (jsonb_typeof(source_refs) = 'array' AND jsonb_array_length(source_refs) > 0);
ALTER TABLE "agents"."knowledge_facts" ADD CONSTRAINT "knowledge_facts_confidence" CHECK (confidence >= 0 AND confidence <= 1);
ALTER TABLE "agents"."knowledge_insights" ADD CONSTRAINT "knowledge_insights_confidence" CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1));
ALTER TABLE "agents"."agent_approvals" ADD CONSTRAINT "agent_approvals_decision" CHECK ((status = 'pending') = (decided_by IS NULL) AND (status = 'pending') = (decided_at IS NULL));
