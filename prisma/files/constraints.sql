-- Invariants Prisma cannot express. Appended verbatim to the slice's migration.
ALTER TABLE "files"."box_items" ADD CONSTRAINT "box_items_external_id_format" CHECK (external_id ~ '^box_[0-9a-z]{6,32}$');
ALTER TABLE "files"."box_items" ADD CONSTRAINT "box_items_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "files"."box_webhook_events" ADD CONSTRAINT "box_webhook_events_external_id_format" CHECK (external_id ~ '^whk_[0-9a-z]{6,32}$');
ALTER TABLE "files"."box_webhook_events" ADD CONSTRAINT "box_webhook_events_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "files"."project_documents" ADD CONSTRAINT "project_documents_external_id_format" CHECK (external_id ~ '^doc_[0-9a-z]{6,32}$');
ALTER TABLE "files"."project_documents" ADD CONSTRAINT "project_documents_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "files"."kb_index" ADD CONSTRAINT "kb_index_external_id_format" CHECK (external_id ~ '^kb_[0-9a-z]{6,32}$');
ALTER TABLE "files"."kb_index" ADD CONSTRAINT "kb_index_attribution" CHECK (actor <> '' AND source_system <> '');
-- box_webhook_events is append-only: only the processing columns may change, and rows are never deleted.
-- (Replaced by migration 20261202002420_box_webhook_delivery_timestamp, which also keeps delivered_at.)
CREATE FUNCTION "files".box_webhook_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'box_webhook_events is append-only';
  END IF;
  IF NEW.box_event_id IS DISTINCT FROM OLD.box_event_id OR NEW.payload IS DISTINCT FROM OLD.payload
     OR NEW.delivery_id IS DISTINCT FROM OLD.delivery_id OR NEW.received_at IS DISTINCT FROM OLD.received_at THEN
    RAISE EXCEPTION 'box_webhook_events is append-only: only processing columns may change';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER box_webhook_events_append_only BEFORE UPDATE OR DELETE ON "files"."box_webhook_events"
  FOR EACH ROW EXECUTE FUNCTION "files".box_webhook_events_append_only();
ALTER TABLE "files"."kb_index" ADD CONSTRAINT "kb_index_chunk_index" CHECK (chunk_index >= 0);
