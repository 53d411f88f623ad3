import { createPrismaClient, groupCommitLoader, logger, newExternalId } from '@wrk/platform';
import type { FilesDb } from '../db.ts';
import { Prisma, PrismaClient } from '../__generated__/prisma/client.ts';

/** The graphile-worker task that processes one stored delivery (webhookJob.ts); its payload is `{ boxEventId }`. */
export const BOX_WEBHOOK_TASK = 'box:webhook';
/** Attempts before the queue gives an event up (graphile-worker's exponential backoff: about 3 days). */
export const BOX_WEBHOOK_MAX_ATTEMPTS = 25;
/** Who is recorded as having written the rows of deliveries. */
export const BOX_WEBHOOK_ATTRIBUTION = { actor: 'system:box-webhook', sourceSystem: 'box-webhook' } as const;

/** The queue's job key of an event is this plus its Box ID: one job per Box event however often it is delivered. */
export const BOX_WEBHOOK_JOB_KEY_PREFIX = 'box-webhook:';

/** The part of a Box webhook V2 body we rely on; the whole body is stored as it came. */
export interface BoxWebhookPayload {
  /** The event's own ID: the same on every retry (the idempotency key). */
  id: string;
  trigger: string;
  source?: { type?: string; id?: string };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const optionalText = (value: unknown) => (typeof value === 'string' && value.length <= 200 ? value : undefined);

/** JSON can only spell U+0000 as this escape (a raw control character is not JSON); a body without it has none. */
const NUL_ESCAPE = '\\u0000';

const parseJson = (text: string): { body: unknown; nul: boolean } => {
  if (!text.includes(NUL_ESCAPE)) return { body: JSON.parse(text), nul: false };
  // Rare (and maybe `\\u0000`, an escaped backslash before `u0000`): look at the parsed strings themselves.
  let nul = false;
  const body: unknown = JSON.parse(text, (key, value: unknown) => {
    if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) nul = true;
    return value;
  });
  return { body, nul };
};

/**
 * The body as a Box webhook event, or null when it is not one (not JSON, no `id` or `trigger`). Postgres' jsonb
 * cannot hold U+0000, so a body containing it is refused here rather than failing to store.
 */
export function parseBoxWebhookPayload(text: string): BoxWebhookPayload | null {
  let parsed: { body: unknown; nul: boolean };
  try {
    parsed = parseJson(text);
  } catch {
    return null;
  }
  const { body, nul } = parsed;
  if (nul || !isRecord(body)) return null;
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
  let answer: Promise<boolean> | undefined;
  let askedAt = 0;
  const ask = async () => {
    const rows = await db.$queryRaw<{ present: boolean }[]>`SELECT to_regproc('graphile_worker.add_job') IS NOT NULL AS present`;
    const present = rows[0]?.present ?? false;
    if (!present) logger.warn('graphile-worker queue not migrated here: Box webhook events are stored, and enqueued by the worker sweep');
    return present;
  };
  // Every caller waits for the same question: one asked while another is in flight must not read "no queue".
  return async (): Promise<boolean> => {
    if (!answer || (Date.now() - askedAt >= 10_000 && !(await answer))) {
      askedAt = Date.now();
      answer = ask().catch((error: unknown) => {
        answer = undefined;
        throw error;
      });
    }
    return answer;
  };
}

/** One batch's rows, as parallel arrays for unnest(): one element per Box event. */
function columnsOf(deliveries: readonly Delivery[]) {
  return {
    externalIds: deliveries.map(() => newExternalId('whk')),
    eventIds: deliveries.map((d) => d.payload.id),
    deliveryIds: deliveries.map((d) => d.deliveryId ?? null),
    deliveredAt: deliveries.map((d) => d.deliveredAt.toISOString()),
    triggers: deliveries.map((d) => d.payload.trigger),
    sourceTypes: deliveries.map((d) => d.payload.source?.type ?? null),
    sourceIds: deliveries.map((d) => d.payload.source?.id ?? null),
    bodies: deliveries.map((d) => d.body),
  };
}

/**
 * Inserts the first delivery of each event (ON CONFLICT on box_event_id does nothing for a stored one) and, in the
 * same statement and so the same transaction, enqueues one job per row inserted: a row without its job, or a job
 * for a replay, cannot commit. Without a queue the rows alone are stored (the worker's sweep enqueues them).
 * Returns the event IDs this statement stored.
 */
async function insertEvents(db: FilesDb, deliveries: readonly Delivery[], withJobs: boolean): Promise<Set<string>> {
  const c = columnsOf(deliveries);
  const { actor, sourceSystem } = BOX_WEBHOOK_ATTRIBUTION;
  const insert = Prisma.sql`
    INSERT INTO "files"."box_webhook_events"
      (external_id, box_event_id, delivery_id, delivered_at, trigger, source_type, source_id, payload, actor, source_system)
    SELECT external_id, box_event_id, delivery_id, delivered_at, trigger, source_type, source_id, body::jsonb, ${actor}, ${sourceSystem}
      FROM unnest(${c.externalIds}::text[], ${c.eventIds}::text[], ${c.deliveryIds}::text[], ${c.deliveredAt}::timestamptz[],
                  ${c.triggers}::text[], ${c.sourceTypes}::text[], ${c.sourceIds}::text[], ${c.bodies}::text[])
           AS incoming(external_id, box_event_id, delivery_id, delivered_at, trigger, source_type, source_id, body)
    ON CONFLICT (box_event_id) DO NOTHING
    RETURNING box_event_id`;
  const statement = withJobs
    ? db.$queryRaw<{ box_event_id: string }[]>`
        WITH stored AS (${insert})
        SELECT box_event_id, graphile_worker.add_job(${BOX_WEBHOOK_TASK}, json_build_object('boxEventId', box_event_id),
                 job_key := ${BOX_WEBHOOK_JOB_KEY_PREFIX} || box_event_id, job_key_mode := 'unsafe_dedupe',
                 max_attempts := ${BOX_WEBHOOK_MAX_ATTEMPTS}::int) IS NOT NULL AS queued
          FROM stored`
    : db.$queryRaw<{ box_event_id: string }[]>`${insert}`;
  return new Set((await statement).map((row) => row.box_event_id));
}

/** Batches in flight at once: each is one statement, one commit, one WAL flush shared by all its deliveries. */
const MAX_BATCHES_IN_FLIGHT = 3;
const MAX_BATCH = 500;
/** The longest a batch's insert may run (Box waits 30 s for an answer; the gateway waits 10 s for ours). */
export const STATEMENT_TIMEOUT_MS = 4_000;

/**
 * The intake's own database client: MAX_BATCHES_IN_FLIGHT connections whose statements time out, so that a stuck
 * one (a lock, an overloaded database) fails its batch (503: Box retries) instead of holding its deliveries until
 * Box gives up on them while every later batch queues behind it. Shown as `wrk-box-webhooks` in pg_stat_activity.
 */
export const createBoxWebhookDb = (databaseUrl: string): FilesDb =>
  createPrismaClient(PrismaClient, databaseUrl, 'files-box-webhooks', MAX_BATCHES_IN_FLIGHT, {
    statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    applicationName: 'wrk-box-webhooks',
  });
/** Box event IDs this process stored or saw stored lately, so that their replays cost no statement. */
const RECENT_EVENTS = 50_000;

/** The last `capacity` keys added (a Map keeps insertion order: the oldest is dropped first). */
function recentSet(capacity: number) {
  const keys = new Map<string, true>();
  return {
    has: (key: string) => keys.has(key),
    add(key: string) {
      keys.delete(key);
      keys.set(key, true);
      if (keys.size > capacity) keys.delete(keys.keys().next().value ?? key);
    },
  };
}

/**
 * Group commit: deliveries arriving while MAX_BATCHES_IN_FLIGHT statements run wait and go together in the next
 * one (a commit's flush to disk costs milliseconds, the same for one row or hundreds); an idle store writes a
 * delivery at once. Each delivery is answered after its own batch committed; a failed batch fails all of its
 * deliveries (nothing of it is stored). Of two deliveries of one event in a batch, one is `stored`.
 */
function batchingInsert(db: FilesDb) {
  const hasQueue = queueProbe(db);
  const loader = groupCommitLoader(
    async (deliveries: readonly Delivery[]): Promise<Outcome[]> => {
      const first = new Map<string, Delivery>();
      for (const delivery of deliveries) if (!first.has(delivery.payload.id)) first.set(delivery.payload.id, delivery);
      const stored = await insertEvents(db, [...first.values()], await hasQueue());
      return deliveries.map((delivery) =>
        stored.has(delivery.payload.id) && first.get(delivery.payload.id) === delivery ? 'stored' : 'duplicate',
      );
    },
    { maxBatchSize: MAX_BATCH, batchesInFlight: MAX_BATCHES_IN_FLIGHT },
  );
  return (delivery: Delivery): Promise<Outcome> => loader.load(delivery);
}

/**
 * Stores deliveries append-only, once per Box event, with their jobs (insertEvents, in batches). A replay (Box's
 * retries, new delivery id, same event) of an event this process has seen committed is answered `duplicate` at
 * once: its row is durable, and rows are never deleted. A replay arriving while its event's first delivery is
 * being stored waits for that commit and shares its fate (`duplicate` once committed; the same error if not).
 */
export function boxWebhookStore(db: FilesDb) {
  const insert = batchingInsert(db);
  const committed = recentSet(RECENT_EVENTS);
  const inFlight = new Map<string, Promise<Outcome>>();
  return (delivery: Delivery): Promise<Outcome> => {
    const { id } = delivery.payload;
    if (committed.has(id)) return Promise.resolve<Outcome>('duplicate');
    const pending = inFlight.get(id);
    if (pending) return pending.then((): Outcome => 'duplicate');
    const outcome = insert(delivery);
    inFlight.set(id, outcome);
    outcome.then(
      () => {
        inFlight.delete(id);
        committed.add(id);
      },
      () => inFlight.delete(id),
    );
    return outcome;
  };
}

export type Outcome = 'stored' | 'duplicate';
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
    SELECT graphile_worker.add_job(${BOX_WEBHOOK_TASK}, json_build_object('boxEventId', id),
             job_key := ${BOX_WEBHOOK_JOB_KEY_PREFIX} || id, job_key_mode := 'unsafe_dedupe', max_attempts := ${BOX_WEBHOOK_MAX_ATTEMPTS}::int)
      FROM unnest(${ids}::text[]) AS id`;
  return rows.length;
}
