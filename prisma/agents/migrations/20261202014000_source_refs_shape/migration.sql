-- Source references become { id, quote?, retrievedAt? } (catalog/src/sources.ts): stored ones are rewritten
-- (excerpt → quote; type and uri dropped), then the database refuses any element of another shape.
UPDATE "agents"."agent_steps" SET source_refs = (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('id', r -> 'id', 'quote', r -> 'excerpt'))) FROM jsonb_array_elements(source_refs) AS r);
UPDATE "agents"."agent_approvals" SET source_refs = (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('id', r -> 'id', 'quote', r -> 'excerpt'))) FROM jsonb_array_elements(source_refs) AS r);
UPDATE "agents"."knowledge_facts" SET source_refs = (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('id', r -> 'id', 'quote', r -> 'excerpt'))) FROM jsonb_array_elements(source_refs) AS r);
UPDATE "agents"."knowledge_insights" SET source_refs = (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('id', r -> 'id', 'quote', r -> 'excerpt'))) FROM jsonb_array_elements(source_refs) AS r);
ALTER TABLE "agents"."agent_steps" DROP CONSTRAINT "agent_steps_source_refs_not_empty";
ALTER TABLE "agents"."agent_approvals" DROP CONSTRAINT "agent_approvals_source_refs_not_empty";
ALTER TABLE "agents"."knowledge_facts" DROP CONSTRAINT "knowledge_facts_source_refs_not_empty";
ALTER TABLE "agents"."knowledge_insights" DROP CONSTRAINT "knowledge_insights_source_refs_not_empty";
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
