import { logger, newExternalId } from '@wrk/platform';
import type { FilesDb } from '../db.ts';

/** The graphile-worker task that processes one stored delivery (webhookJob.ts); its payload is `{ boxEventId }`. */
export const BOX_WEBHOOK_TASK = 'box:webhook';
/** Attempts before the queue gives an event up (graphile-worker's exponential backoff: about 3 days). */
export const BOX_WEBHOOK_MAX_ATTEMPTS = 25;
/** Who is recorded as having written the rows of deliveries. */
export const BOX_WEBHOOK_ATTRIBUTION = { actor: 'system:box-webhook', sourceSystem: 'box-webhook' } as const;

/** The queue's job key of an event: one job per Box event however often it is delivered. */
export const boxWebhookJobKey = (boxEventId: string) => `box-webhook:${boxEventId}`;

/** The part of a Box webhook V2 body we rely on; the whole body is stored as it came. */
export interface BoxWebhookPayload {
  /** The event's own ID: the same on every retry (the idempotency key). */
  id: string;
  trigger: string;
  source?: { type?: string; id?: string };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const optionalText = (value: unknown) => (typeof value === 'string' && value.length <= 200 ? value : undefined);

/**
 * The body as a Box webhook event, or null when it is not one (not JSON, no `id` or `trigger`). Postgres' jsonb
 * cannot hold U+0000, so a body containing it is refused here rather than failing to store.
 */
export function parseBoxWebhookPayload(text: string): BoxWebhookPayload | null {
  if (text.includes('\\u0000')) return null;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(body)) return null;
  const { id, trigger, source } = body;
  if (typeof id !== 'string' || !/^[\w-]{1,200}$/.test(id)) return null;
  if (typeof trigger !== 'string' || !/^[A-Z][A-Z_.]{0,99}$/.test(trigger)) return null;
  return {
    id,
    trigger,
    source: isRecord(source) ? { type: optionalText(source.type), id: optionalText(source.id) } : undefined,
  };
}

export interface Delivery {
  payload: BoxWebhookPayload;
  /** The body exactly as received (stored as jsonb). */
  body: string;
  deliveryId: string | undefined;
  deliveredAt: Date;
}

/**
 * Whether graphile-worker's queue exists in this database. It does wherever the worker has run (the whole stack
 * migrates it); a files subgraph started alone on a database no worker has touched has none. Known once it exists;
 * until then asked again at most every 10 s.
 */
function queueProbe(db: FilesDb) {
  let present = false;
  let askedAt = 0;
  return async (): Promise<boolean> => {
    if (present || Date.now() - askedAt < 10_000) return present;
    askedAt = Date.now();
    const rows = await db.$queryRaw<{ present: boolean }[]>`SELECT to_regproc('graphile_worker.add_job') IS NOT NULL AS present`;
    present = rows[0]?.present ?? false;
    if (!present) logger.warn('graphile-worker queue not migrated here: Box webhook events are stored, and enqueued by the worker sweep');
    return present;
  };
}

/**
 * Stores deliveries append-only, once per Box event (ON CONFLICT on box_event_id does nothing), and enqueues the
 * event's job in the same statement, hence the same transaction: a row without its job, or a second job for a
 * replay, cannot commit. Without a queue the row alone is stored; `enqueueUnqueuedBoxWebhooks` enqueues it later.
 */
export function boxWebhookStore(db: FilesDb) {
  const hasQueue = queueProbe(db);
  return async function store(delivery: Delivery): Promise<'stored' | 'duplicate'> {
    const { payload, body, deliveryId, deliveredAt } = delivery;
    const externalId = newExternalId('whk');
    const { actor, sourceSystem } = BOX_WEBHOOK_ATTRIBUTION;
    const sourceType = payload.source?.type ?? null;
    const sourceId = payload.source?.id ?? null;
    if (!(await hasQueue())) {
      const inserted = await db.$executeRaw`
        INSERT INTO "files"."box_webhook_events"
          (external_id, box_event_id, delivery_id, delivered_at, trigger, source_type, source_id, payload, actor, source_system)
        VALUES (${externalId}, ${payload.id}, ${deliveryId ?? null}, ${deliveredAt.toISOString()}::timestamptz, ${payload.trigger},
                ${sourceType}, ${sourceId}, ${body}::jsonb, ${actor}, ${sourceSystem})
        ON CONFLICT (box_event_id) DO NOTHING`;
      return inserted > 0 ? 'stored' : 'duplicate';
    }
    const rows = await db.$queryRaw<{ queued: boolean }[]>`
      WITH stored AS (
        INSERT INTO "files"."box_webhook_events"
          (external_id, box_event_id, delivery_id, delivered_at, trigger, source_type, source_id, payload, actor, source_system)
        VALUES (${externalId}, ${payload.id}, ${deliveryId ?? null}, ${deliveredAt.toISOString()}::timestamptz, ${payload.trigger},
                ${sourceType}, ${sourceId}, ${body}::jsonb, ${actor}, ${sourceSystem})
        ON CONFLICT (box_event_id) DO NOTHING
        RETURNING box_event_id
      )
      SELECT graphile_worker.add_job(${BOX_WEBHOOK_TASK}, json_build_object('boxEventId', box_event_id),
               job_key := ${boxWebhookJobKey(payload.id)}, job_key_mode := 'unsafe_dedupe',
               max_attempts := ${BOX_WEBHOOK_MAX_ATTEMPTS}::int) IS NOT NULL AS queued
        FROM stored`;
    return rows.length > 0 ? 'stored' : 'duplicate';
  };
}

export type BoxWebhookStore = ReturnType<typeof boxWebhookStore>;

/**
 * Enqueues the job of every unprocessed event that has none (stored while no queue existed, or whose job was
 * lost with a restored queue). A job that exists — waiting, running, or given up after its last attempt — keeps
 * its key, so this adds nothing for it. Returns how many events it looked at.
 */
export async function enqueueUnqueuedBoxWebhooks(db: FilesDb, limit = 1000): Promise<number> {
  const rows = await db.$queryRaw<{ box_event_id: string }[]>`
    SELECT box_event_id FROM "files"."box_webhook_events" WHERE processed_at IS NULL ORDER BY id LIMIT ${limit}::int`;
  if (rows.length === 0) return 0;
  const ids = rows.map((row) => row.box_event_id);
  await db.$executeRaw`
    SELECT graphile_worker.add_job(${BOX_WEBHOOK_TASK}, json_build_object('boxEventId', event.id), job_key := event.key,
             job_key_mode := 'unsafe_dedupe', max_attempts := ${BOX_WEBHOOK_MAX_ATTEMPTS}::int)
      FROM unnest(${ids}::text[], ${ids.map(boxWebhookJobKey)}::text[]) AS event(id, key)`;
  return rows.length;
}
