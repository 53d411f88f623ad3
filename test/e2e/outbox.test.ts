/**
 * The outbox: a write through the gateway records one audit row and one outbound event in its transaction;
 * the worker started with the stack relays the event into a graphile-worker job and delivers it to a webhook
 * (a local HTTP sink here) at least once, keyed by the event ID. The relay itself and the inbox
 * (recordInboundEvent) are checked on a scratch database of the same server, without a worker racing them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { createScratchDatabase } from '@wrk/devdb';
import { migrate } from '@wrk/migrate';
import {
  recordChange,
  recordInboundEvent,
  relayOutbox,
  type RawSqlExecutor,
  type RequestContext,
  requestContextFromClaims,
} from '@wrk/platform';
import { createIdentityDb } from '@wrk/subgraph-identity/db';
import { migrateQueue } from '@wrk/worker';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { waitFor } from '../support/waitFor.ts';

interface Delivery {
  key: string | undefined;
  status: number;
  body: {
    id: string;
    type: string;
    entityId: string;
    actor: string;
    sourceSystem: string;
    requestId: string;
    payload: { after: { name?: string } };
  };
}

/** A webhook on 127.0.0.1 that records every delivery; events whose entity is named in `failOnce` get one 500 first. */
async function startSink() {
  const deliveries: Delivery[] = [];
  const failOnce = new Set<string>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as Delivery['body'];
      const name = body.payload?.after?.name;
      const status = name && failOnce.delete(name) ? 500 : 204;
      deliveries.push({ key: request.headers['idempotency-key'] as string | undefined, status, body });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    deliveries,
    failOnce,
    of: (eventId: string) => deliveries.filter((delivery) => delivery.key === eventId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A node-postgres client as recordChange / recordInboundEvent expect a Prisma transaction client. */
const rawExecutor = (client: pg.PoolClient | pg.Pool): RawSqlExecutor => ({
  $executeRawUnsafe: async (query, ...values) => (await client.query(query, values)).rowCount ?? 0,
});

describe.each(databaseKinds())('the outbox on %s Postgres', (kind) => {
  let stack: TestStack;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let db: pg.Pool;
  let graphql: TestStack['graphql'];
  let counter = 0;
  const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${(counter++).toString(36)}`;

  beforeAll(async () => {
    sink = await startSink();
    // The stack's worker delivers to this sink, even where the suite runs with WRK_WORKER=off.
    const workerSetting = process.env.WRK_WORKER;
    process.env.WRK_EVENT_SINK_URL = sink.url;
    delete process.env.WRK_WORKER;
    try {
      stack = await startTestStack(kind);
    } finally {
      delete process.env.WRK_EVENT_SINK_URL;
      if (workerSetting !== undefined) process.env.WRK_WORKER = workerSetting;
    }
    const admin = stack.as(await stack.token('admin@wrk.demo'));
    graphql = (query, variables, headers) => stack.graphql(query, variables, { ...admin, ...headers });
    db = new pg.Pool({ connectionString: stack.databaseUrl, max: 3 });
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await sink?.close();
  });

  const createOrganization = async (name: string) => {
    const result = await graphql<{ createOrganization: { id: string } }>(
      'mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }',
      { name },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.createOrganization.id;
  };
  const auditRows = async (entityId: string) => (await db.query('SELECT * FROM platform.audit_logs WHERE entity_id = $1', [entityId])).rows;
  const eventRows = async (entityId: string) =>
    (await db.query("SELECT * FROM platform.integration_events WHERE entity_id = $1 AND direction = 'outbound'", [entityId])).rows;

  it('records a write through the gateway as exactly one audit row and one outbound event, attributed to the caller', async () => {
    const id = await createOrganization(unique('Outbox Org'));
    const other = await createOrganization(unique('Outbox Org'));
    const audits = await auditRows(id);
    const events = await eventRows(id);
    expect(audits).toHaveLength(1);
    expect(events).toHaveLength(1);
    const [audit] = audits;
    const [event] = events;
    expect(audit).toMatchObject({ entity_type: 'Organization', action: 'create', actor: DEMO.users.admin, source_system: 'web' });
    expect(event).toMatchObject({
      event_type: 'Organization.create',
      entity_type: 'Organization',
      source: 'wrk',
      actor: DEMO.users.admin,
      source_system: 'web',
    });
    // One request: the audit row and the event carry its ID, which another request does not share.
    expect(audit.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.request_id).toBe(audit.request_id);
    expect((await auditRows(other))[0].request_id).not.toBe(audit.request_id);
    expect(event.payload).toMatchObject({ entityId: id, action: 'create', after: { externalId: id } });
  });

  it('hands the event to the queue and delivers it to the webhook once, with the event ID as Idempotency-Key', async () => {
    const name = unique('Delivered Org');
    const id = await createOrganization(name);
    const [event] = await eventRows(id);
    const delivery = await waitFor('the delivery', () => sink.of(event.external_id)[0]);
    expect(delivery).toMatchObject({
      key: event.external_id,
      status: 204,
      body: {
        id: event.external_id,
        type: 'Organization.create',
        entityId: id,
        actor: DEMO.users.admin,
        sourceSystem: 'web',
        requestId: event.request_id,
        payload: { after: { name } },
      },
    });
    const [row] = await eventRows(id);
    expect(row.delivered_at).toBeInstanceOf(Date); // handed to the queue
    await waitFor('the attempt to be noted', async () => ((await eventRows(id))[0].attempts === 1 ? true : undefined));
    await sleep(1500); // a second delivery would come within the worker's poll interval
    expect(sink.of(event.external_id)).toHaveLength(1);
    expect((await eventRows(id))[0]).toMatchObject({ attempts: 1, last_error: null });
  });

  it('delivers again after the sink fails: at least once', async () => {
    const name = unique('Flaky Org');
    sink.failOnce.add(name);
    const id = await createOrganization(name);
    const [event] = await eventRows(id);
    await waitFor('the failed attempt', async () => ((await eventRows(id))[0].last_error ? true : undefined));
    expect((await eventRows(id))[0]).toMatchObject({ attempts: 1, last_error: expect.stringContaining('500') });
    // graphile-worker retries after its backoff (about 3 s for the first retry).
    await waitFor('the retry', () => sink.of(event.external_id).find((delivery) => delivery.status === 204), 30_000);
    expect(sink.of(event.external_id).map((delivery) => delivery.status)).toEqual([500, 204]);
    await waitFor('the attempt to be noted', async () => ((await eventRows(id))[0].attempts === 2 ? true : undefined));
    expect((await eventRows(id))[0]).toMatchObject({ attempts: 2, last_error: null });
  });

  describe('on a scratch database without a worker', () => {
    let scratch: { url: string; drop(): Promise<void> };
    let scratchDb: pg.Pool;
    const ctx: RequestContext = {
      ...requestContextFromClaims({ kind: 'system', scopes: [], teams: [], requestId: 'outbox-test' }),
      actor: 'test',
      sourceSystem: 'test',
    };
    const jobs = async () =>
      (
        await scratchDb.query<{ key: string; task_identifier: string; payload: { eventId: string } }>(
          `SELECT job.key, task.identifier AS task_identifier, job.payload
           FROM graphile_worker._private_jobs job JOIN graphile_worker._private_tasks task ON task.id = job.task_id
          ORDER BY job.id`,
        )
      ).rows;
    const undelivered = async () =>
      Number(
        (await scratchDb.query("SELECT count(*) FROM platform.integration_events WHERE direction = 'outbound' AND delivered_at IS NULL"))
          .rows[0].count,
      );
    const recordEvents = async (count: number) => {
      const client = await scratchDb.connect();
      try {
        await client.query('BEGIN');
        for (let i = 0; i < count; i += 1) {
          await recordChange(rawExecutor(client), ctx, {
            entityType: 'Person',
            entityId: `per_relay${counter++}test00`,
            action: 'create',
            after: { i },
          });
        }
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      const { rows } = await scratchDb.query<{ external_id: string }>(
        "SELECT external_id FROM platform.integration_events WHERE direction = 'outbound' ORDER BY id DESC LIMIT $1",
        [count],
      );
      return rows.map((row) => row.external_id).reverse();
    };

    beforeAll(async () => {
      scratch = await createScratchDatabase(stack.databaseUrl);
      await migrate(scratch.url);
      await migrateQueue(scratch.url);
      scratchDb = new pg.Pool({ connectionString: scratch.url, max: 4 });
    });
    afterAll(async () => {
      await scratchDb?.end();
      await scratch?.drop();
    });

    it('relays each event once: running the relay again, or two relays at once, enqueues nothing twice', async () => {
      const first = await recordEvents(3);
      expect(await undelivered()).toBe(3);
      expect(await relayOutbox(scratchDb)).toBe(3);
      expect(await relayOutbox(scratchDb)).toBe(0);
      expect(await undelivered()).toBe(0);
      expect(await jobs()).toEqual(first.map((id) => ({ key: id, task_identifier: 'outbox_deliver', payload: { eventId: id } })));

      // Two relays racing over new events (batches of 1): each event is taken by exactly one of them.
      const second = await recordEvents(4);
      const handed = await Promise.all([relayOutbox(scratchDb, 1), relayOutbox(scratchDb, 1)]);
      expect(handed[0] + handed[1]).toBe(4);
      expect((await jobs()).map((job) => job.key).sort()).toEqual([...first, ...second].sort());

      // Even a relay that sees handed-over events again (delivered_at lost) adds no second job for them.
      await scratchDb.query('UPDATE platform.integration_events SET delivered_at = NULL WHERE external_id = ANY($1)', [first]);
      expect(await relayOutbox(scratchDb)).toBe(3);
      expect(await jobs()).toHaveLength(7);
    });

    it('does not commit the relay’s marks without its jobs', async () => {
      const ids = await recordEvents(1);
      await scratchDb.query('ALTER FUNCTION graphile_worker.add_job RENAME TO add_job_gone');
      try {
        await expect(relayOutbox(scratchDb)).rejects.toThrow(/add_job/);
      } finally {
        await scratchDb.query('ALTER FUNCTION graphile_worker.add_job_gone RENAME TO add_job');
      }
      expect(await undelivered()).toBe(1);
      expect(await relayOutbox(scratchDb)).toBe(1);
      expect((await jobs()).map((job) => job.key)).toContain(ids[0]);
    });

    it('stores an inbound event once per (source, source event ID), and never relays it', async () => {
      const identityDb = createIdentityDb(scratch.url);
      try {
        const event = {
          source: 'box',
          sourceEventId: 'delivery-42',
          eventType: 'FILE.UPLOADED',
          payload: { id: 'delivery-42' },
          actor: 'system:box-webhook',
          sourceSystem: 'box-sync',
        };
        expect(await identityDb.$transaction((tx) => recordInboundEvent(tx, event))).toBe(true);
        expect(await identityDb.$transaction((tx) => recordInboundEvent(tx, { ...event, payload: { id: 'again' } }))).toBe(false);
        expect(await recordInboundEvent(rawExecutor(scratchDb), { ...event, source: 'other' })).toBe(true);
        const { rows } = await scratchDb.query(
          "SELECT source, source_event_id, direction, payload, actor, source_system FROM platform.integration_events WHERE source_event_id = 'delivery-42' ORDER BY id",
        );
        expect(rows).toEqual([
          {
            source: 'box',
            source_event_id: 'delivery-42',
            direction: 'inbound',
            payload: { id: 'delivery-42' },
            actor: 'system:box-webhook',
            source_system: 'box-sync',
          },
          {
            source: 'other',
            source_event_id: 'delivery-42',
            direction: 'inbound',
            payload: { id: 'delivery-42' },
            actor: 'system:box-webhook',
            source_system: 'box-sync',
          },
        ]);
        expect(await relayOutbox(scratchDb)).toBe(0);
      } finally {
        await identityDb.$disconnect();
      }
    });
  });
});
