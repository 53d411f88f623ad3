-- Invariants Prisma cannot express. Appended verbatim to the slice's migration.
ALTER TABLE "platform"."audit_logs" ADD CONSTRAINT "audit_logs_external_id_format" CHECK (external_id ~ '^aud_[0-9a-z]{6,32}$');
ALTER TABLE "platform"."audit_logs" ADD CONSTRAINT "audit_logs_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "platform"."integration_events" ADD CONSTRAINT "integration_events_external_id_format" CHECK (external_id ~ '^evt_[0-9a-z]{6,32}$');
ALTER TABLE "platform"."integration_events" ADD CONSTRAINT "integration_events_attribution" CHECK (actor <> '' AND source_system <> '');
-- audit_logs is append-only.
CREATE FUNCTION "platform".audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_logs is append-only';
END $$;
CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON "platform"."audit_logs"
  FOR EACH ROW EXECUTE FUNCTION "platform".audit_logs_append_only();
ALTER TABLE "platform"."audit_logs" ADD CONSTRAINT "audit_logs_action" CHECK (action <> '' AND entity_id <> '');
ALTER TABLE "platform"."integration_events" ADD CONSTRAINT "integration_events_inbound_idempotent" CHECK (direction = 'outbound' OR source_event_id IS NOT NULL);
