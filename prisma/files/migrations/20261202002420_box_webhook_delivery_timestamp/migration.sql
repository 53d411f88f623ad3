-- AlterTable
ALTER TABLE "files"."box_webhook_events" ADD COLUMN     "delivered_at" TIMESTAMPTZ(3);

-- ==== hand-written: the append-only trigger of prisma/files/constraints.sql also keeps delivered_at ====
CREATE OR REPLACE FUNCTION "files".box_webhook_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'box_webhook_events is append-only';
  END IF;
  IF NEW.box_event_id IS DISTINCT FROM OLD.box_event_id OR NEW.payload IS DISTINCT FROM OLD.payload
     OR NEW.delivery_id IS DISTINCT FROM OLD.delivery_id OR NEW.delivered_at IS DISTINCT FROM OLD.delivered_at
     OR NEW.received_at IS DISTINCT FROM OLD.received_at THEN
    RAISE EXCEPTION 'box_webhook_events is append-only: only processing columns may change';
  END IF;
  RETURN NEW;
END $$;
