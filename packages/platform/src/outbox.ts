import type { RawSqlExecutor } from './audit.ts';
import { newExternalId } from './ids.ts';
import { logger } from './logger.ts';

/**
 * The outbox and the inbox of `platform.integration_events`.
 *
 * Outbound: every recorded change writes an outbound event in the change's own transaction (`recordChange`),
 * and notifies OUTBOX_CHANNEL, which Postgres delivers only when that transaction commits. The relay
 * (`relayOutbox`, run by @wrk/worker on that notification and on a short poll) moves undelivered events into
 * graphile-worker jobs atomically; the job (DELIVER_EVENT_TASK) hands the event to its sinks, retried with
 * backoff until it succeeds: at-least-once, so sinks deduplicate by the event ID (`Idempotency-Key`).
 *
 * Inbound: `recordInboundEvent` stores an event received from another system once per (source, source event ID).
 */

/** Postgres NOTIFY channel: an outbound event was committed. */
export const OUTBOX_CHANNEL = 'wrk_outbox';
/** graphile-worker task that delivers one outbound event to its sinks; its payload is `{ eventId }`. */
export const DELIVER_EVENT_TASK = 'outbox_deliver';
/** Attempts before graphile-worker gives a delivery up (with its exponential backoff: about 3 days). */
export const DELIVERY_MAX_ATTEMPTS = 25;

/** node-postgres client (a pool client or a Client): what the relay and the delivery task run SQL on. */
export interface PgQueryable {
  query<Row extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}

/** A pool handing out clients, as node-postgres' Pool does. */
export interface PgPoolLike {
  connect(): Promise<PgQueryable & { release(error?: Error | boolean): void }>;
}

/**
 * One relay pass: in a single transaction, takes up to `batchSize` undelivered outbound events (skipping rows
 * another relay holds), enqueues one delivery job per event and marks them handed over. The job and the mark
 * commit together: an event is enqueued once, never lost between the two. The job key is the event's
 * external ID with `unsafe_dedupe`, so even a relay that somehow saw the event again would not add a second
 * job while the first exists. Returns the external IDs handed over.
 */
export async function relayOutboxBatch(pool: PgPoolLike, batchSize = 100): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: number; external_id: string }>(
      `SELECT id, external_id FROM "platform"."integration_events"
        WHERE direction = 'outbound' AND delivered_at IS NULL
        ORDER BY id
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [batchSize],
    );
    if (rows.length > 0) {
      const eventIds = rows.map((row) => row.external_id);
      await client.query(
        `SELECT graphile_worker.add_job($1, json_build_object('eventId', event_id), job_key := event_id,
                job_key_mode := 'unsafe_dedupe', max_attempts := $3)
           FROM unnest($2::text[]) AS event_id`,
        [DELIVER_EVENT_TASK, eventIds, DELIVERY_MAX_ATTEMPTS],
      );
      // delivered_at means "handed to the queue", not "received by every sink": the queue job retries until
      // the sinks take it; `attempts` and `last_error` follow that job's attempts.
      await client.query(`UPDATE "platform"."integration_events" SET delivered_at = now() WHERE id = ANY($1::int[])`, [
        rows.map((row) => row.id),
      ]);
    }
    await client.query('COMMIT');
    return rows.map((row) => row.external_id);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Relays until no undelivered outbound event is left; returns how many were handed to the queue. */
export async function relayOutbox(pool: PgPoolLike, batchSize = 100): Promise<number> {
  let total = 0;
  for (;;) {
    const handed = await relayOutboxBatch(pool, batchSize);
    total += handed.length;
    if (handed.length < batchSize) return total;
  }
}

/** An outbound event as sinks receive it. */
export interface OutboundEvent {
  id: string;
  type: string;
  entityType: string | null;
  entityId: string | null;
  payload: unknown;
  actor: string;
  sourceSystem: string;
  requestId: string | null;
  occurredAt: string;
}

/** Reads an outbound event by its external ID (null when there is none). */
export async function readOutboundEvent(client: PgQueryable, eventId: string): Promise<OutboundEvent | null> {
  const { rows } = await client.query<{
    external_id: string;
    event_type: string;
    entity_type: string | null;
    entity_id: string | null;
    payload: unknown;
    actor: string;
    source_system: string;
    request_id: string | null;
    created_at: Date;
  }>(
    `SELECT external_id, event_type, entity_type, entity_id, payload, actor, source_system, request_id, created_at
       FROM "platform"."integration_events" WHERE external_id = $1 AND direction = 'outbound'`,
    [eventId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.external_id,
    type: row.event_type,
    entityType: row.entity_type,
    entityId: row.entity_id,
    payload: row.payload,
    actor: row.actor,
    sourceSystem: row.source_system,
    requestId: row.request_id,
    occurredAt: new Date(row.created_at).toISOString(),
  };
}

export interface EventSinks {
  /** POSTs each event as JSON here, with the event ID as `Idempotency-Key` (WRK_EVENT_SINK_URL). */
  webhookUrl?: string;
  /** Per-request timeout of the webhook (default 10 s). */
  timeoutMs?: number;
  /** Cancels a delivery in flight (the worker's shutdown). */
  signal?: AbortSignal;
}

/**
 * Delivers one event to every sink: the webhook when configured (a non-2xx answer or a network error throws,
 * so the queue retries), and always a log line. A sink may see an event more than once: it keys on `id`.
 */
export async function deliverEvent(event: OutboundEvent, sinks: EventSinks): Promise<void> {
  if (sinks.webhookUrl) {
    const timeout = AbortSignal.timeout(sinks.timeoutMs ?? 10_000);
    const response = await fetch(sinks.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': event.id },
      body: JSON.stringify(event),
      signal: sinks.signal ? AbortSignal.any([sinks.signal, timeout]) : timeout,
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`event sink answered ${response.status} to ${event.id}`);
  }
  logger.info(
    {
      event: event.id,
      type: event.type,
      entityId: event.entityId,
      actor: event.actor,
      sourceSystem: event.sourceSystem,
      requestId: event.requestId,
    },
    'event delivered',
  );
}

/** Notes a delivery attempt on the event row: its count, and the error of the last one (null once it succeeds). */
export async function recordDeliveryAttempt(client: PgQueryable, eventId: string, error: unknown): Promise<void> {
  await client.query(`UPDATE "platform"."integration_events" SET attempts = attempts + 1, last_error = $2 WHERE external_id = $1`, [
    eventId,
    error === null || error === undefined ? null : (error instanceof Error ? error.message : JSON.stringify(error)).slice(0, 2000),
  ]);
}

export interface InboundEvent {
  /** The system the event comes from (an external system's name). */
  source: string;
  /** That system's own ID of the event (e.g. a webhook's delivery ID): the idempotency key, with `source`. */
  sourceEventId: string;
  eventType: string;
  payload: unknown;
  /** Who is recorded as having written it (e.g. `system:<source>-webhook`). */
  actor: string;
  sourceSystem: string;
  entityType?: string | null;
  entityId?: string | null;
  requestId?: string | null;
}

/**
 * Stores an event received from another system, once: a second delivery of the same (source, sourceEventId)
 * changes nothing. Returns whether it was new, i.e. whether the caller should act on it. Call it in the
 * transaction that acts on the event, so that the event is marked received exactly when its effects commit.
 */
export async function recordInboundEvent(tx: RawSqlExecutor, event: InboundEvent): Promise<boolean> {
  const inserted = await tx.$executeRawUnsafe(
    `INSERT INTO "platform"."integration_events"
       (external_id, direction, event_type, entity_type, entity_id, source, source_event_id, payload, actor, source_system, request_id)
     VALUES ($1, 'inbound', $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
     ON CONFLICT (source, source_event_id) DO NOTHING`,
    newExternalId('evt'),
    event.eventType,
    event.entityType ?? null,
    event.entityId ?? null,
    event.source,
    event.sourceEventId,
    JSON.stringify(event.payload ?? null),
    event.actor,
    event.sourceSystem,
    event.requestId ?? null,
  );
  return inserted > 0;
}
