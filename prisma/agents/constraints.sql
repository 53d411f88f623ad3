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
ALTER TABLE "agents"."knowledge_facts" ADD CONSTRAINT "knowledge_facts_confidence" CHECK (confidence >= 0 AND confidence <= 1);
ALTER TABLE "agents"."knowledge_insights" ADD CONSTRAINT "knowledge_insights_confidence" CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1));
ALTER TABLE "agents"."agent_approvals" ADD CONSTRAINT "agent_approvals_decision" CHECK ((status = 'pending') = (decided_by IS NULL) AND (status = 'pending') = (decided_at IS NULL));
-- Source references (catalog/src/sources.ts): a non-empty array of { id, quote?, retrievedAt? } whose id is an
-- external ID; no other keys. Added by migration 20261202014000_source_refs_shape
-- (it replaced the init migration's *_source_refs_not_empty checks).
CREATE FUNCTION "agents".valid_source_ref(ref jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(ref) = 'object' THEN COALESCE(
    jsonb_typeof(ref -> 'id') = 'string' AND (ref ->> 'id') ~ '^[a-z]+_[0-9a-z]{6,32}$'
    AND (NOT ref ? 'quote' OR jsonb_typeof(ref -> 'quote') = 'string')
    AND (NOT ref ? 'retrievedAt' OR (jsonb_typeof(ref -> 'retrievedAt') = 'string'
      AND (ref ->> 'retrievedAt') ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$'))
    AND NOT EXISTS (SELECT 1 FROM jsonb_object_keys(ref) AS key WHERE key NOT IN ('id', 'quote', 'retrievedAt')),
    false) ELSE false END
$$;
CREATE FUNCTION "agents".valid_source_refs(refs jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(refs) = 'array' THEN
    jsonb_array_length(refs) > 0 AND (SELECT bool_and("agents".valid_source_ref(ref)) FROM jsonb_array_elements(refs) AS ref)
  ELSE false END
$$;
ALTER TABLE "agents"."agent_steps" ADD CONSTRAINT "agent_steps_source_refs_shape" CHECK ("agents".valid_source_refs(source_refs));
ALTER TABLE "agents"."agent_approvals" ADD CONSTRAINT "agent_approvals_source_refs_shape" CHECK ("agents".valid_source_refs(source_refs));
ALTER TABLE "agents"."knowledge_facts" ADD CONSTRAINT "knowledge_facts_source_refs_shape" CHECK ("agents".valid_source_refs(source_refs));
ALTER TABLE "agents"."knowledge_insights" ADD CONSTRAINT "knowledge_insights_source_refs_shape" CHECK ("agents".valid_source_refs(source_refs));
-- Runs and steps (migration 20261202014526_runs_lifecycle).
ALTER TABLE "agents"."agent_runs" ADD CONSTRAINT "agent_runs_finished" CHECK ((finished_at IS NULL) = (status::text IN ('queued', 'running', 'waiting_approval')));
ALTER TABLE "agents"."agent_runs" ADD CONSTRAINT "agent_runs_outcome" CHECK ((tokens IS NULL OR tokens >= 0) AND (cost_usd IS NULL OR cost_usd >= 0));
ALTER TABLE "agents"."agent_steps" ADD CONSTRAINT "agent_steps_duration" CHECK (duration_ms IS NULL OR duration_ms >= 0);
-- Knowledge (migration 20261202020708_knowledge_lifecycle).CREATE FUNCTION "agents".refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- Supporting facts (migration 20261202021523_insight_supporting_facts).
ALTER TABLE "agents"."knowledge_insights" ADD CONSTRAINT "knowledge_insights_supporting_facts" CHECK (array_to_string(supporting_fact_ids, ',') ~ '^(fct_[0-9a-z]{6,32}(,|$))*$');
