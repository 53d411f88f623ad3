/**
 * Box webhooks (issue 10 §5): `POST /webhooks/box` on the gateway's host and on the files subgraph, deliveries signed
 * exactly as Box signs them (HMAC-SHA256 over the raw body ‖ box-delivery-timestamp, primary and secondary keys,
 * a new box-delivery-id on every retry, the same payload id). Authentic deliveries are stored once per Box event
 * with one queue job; forged, stale, future-dated, tampered and unsigned ones are 401 and malformed ones 400, and
 * neither stores anything. The jobs are then processed by a worker running files' tasks.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { WebhooksManager } from 'box-node-sdk/managers';
import { migrate } from '@wrk/migrate';
import { freePort } from '@wrk/devdb';
import { startGateway } from '@wrk/gateway/server';
import { committedSupergraph } from '@wrk/gateway/compose';
import { encodeFrames, startSubgraph, type RunningServer } from '@wrk/platform';
import { serviceKeyring } from '@wrk/catalog/keys';
import { startWorker, migrateQueue, type RunningWorker } from '@wrk/worker';
import { createFilesDb, type FilesDb } from '@wrk/subgraph-files/db';
import { filesSubgraph } from '@wrk/subgraph-files/subgraph';
import {
  boxWebhookStore,
  createBoxWebhookDb,
  enqueueUnqueuedBoxWebhooks,
  parseBoxWebhookPayload,
  STATEMENT_TIMEOUT_MS,
  type Delivery,
} from '@wrk/subgraph-files/box/webhookEvents';
import { BOX_WEBHOOK_CRONTAB, boxItemSync, boxWebhookTasks, type BoxItemSync } from '@wrk/subgraph-files/box/webhookJob';
import type { BoxItemKind } from '@wrk/subgraph-files/box/mirror';
import type { BoxWebhookKeys } from '@wrk/subgraph-files/box/webhookSignature';
import { createBoxClient } from '@wrk/subgraph-files/box/client';
import { BoxState, DEFAULT_APP, boxTime, deliveryHeaders, startFakeBox, type FakeBox } from '@wrk/fake-box';
import { DEMO_BOX } from '@wrk/demo/box';
import { encodeDeliveries } from '@wrk/catalog/boxWebhooks';
import { databaseKinds, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { waitFor } from '../support/waitFor.ts';

const MINUTE = 60_000;

let eventCounter = 0;
/**
 * A Box webhook V2 body, serialized as Box may (non-ASCII escaped as \uXXXX, `/` as `\/`): bytes that re-serializing
 * JSON would change, so only a receiver that keeps the raw bytes can verify them.
 */
function boxEvent(trigger: string, source: Record<string, unknown>, id = `${Date.now()}${eventCounter++}`): string {
  const json = JSON.stringify({
    type: 'webhook_event',
    id,
    created_at: boxTime(new Date()),
    trigger,
    webhook: { id: '4161', type: 'webhook' },
    created_by: { type: 'user', id: '2030392', name: 'Aaron Levie', login: 'ceo@example.com' },
    source,
    additional_info: [],
  });
  return json.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).replaceAll('/', '\\/');
}
const fileSource = (id: string) => ({
  type: 'file',
  id,
  name: `Résumé ${id} 2026/12.pdf`,
  etag: '1',
  parent: { type: 'folder', id: '11446498' },
});
const idOf = (body: string) => (JSON.parse(body) as { id: string }).id;

interface Signing {
  at?: number;
  /** Which keys sign (default both, as Box does). */
  primary?: string | null;
  secondary?: string | null;
  deliveryId?: string;
}

/** The headers Box sends with a delivery of `body`. */
function boxHeaders(keys: BoxWebhookKeys, body: string, signing: Signing = {}): Record<string, string> {
  const primary = signing.primary === undefined ? keys.primary : signing.primary;
  const secondary = signing.secondary === undefined ? keys.secondary : signing.secondary;
  const { 'box-signature-primary': primarySignature, ...headers } = deliveryHeaders(body, {
    keys: { primary: primary ?? '', secondary: secondary ?? undefined },
    timestamp: new Date(signing.at ?? Date.now()),
    deliveryId: signing.deliveryId,
  });
  return primary ? { ...headers, 'box-signature-primary': primarySignature! } : headers;
}

async function deliver(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** Runs `tasks` with at most `width` in flight. */
async function inParallel<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

/** The Box sync as processing sees it: records each re-read; an item named in `failOnce` fails its first one. */
function recordingSync() {
  const calls: string[] = [];
  const failOnce = new Set<string>();
  const sync: BoxItemSync = {
    async refreshItem(type: BoxItemKind, boxId: string) {
      calls.push(`${type}:${boxId}`);
      if (failOnce.delete(`${type}:${boxId}`)) throw new Error(`Box answered 503 for ${type} ${boxId}`);
    },
  };
  return { sync, calls, failOnce };
}

/**
 * Between Box and WRK: forwards every delivery to `target` as it is, but answers 500 to the first delivery of each
 * event whatever WRK said (as if the answer were lost), so that Box retries an event WRK already stored.
 */
async function startLossyHop(target: string) {
  const answered = new Set<string>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          (entry): entry is [string, string] => entry[0].startsWith('box-') || entry[0] === 'content-type',
        ),
      );
      void fetch(target, { method: 'POST', headers, body }).then(async (answer) => {
        const text = await answer.text();
        const eventId = idOf(body.toString());
        const first = !answered.has(eventId);
        answered.add(eventId);
        response.writeHead(first ? 500 : answer.status, { 'content-type': 'application/json' }).end(first ? '{}' : text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/box`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(databaseKinds())('Box webhooks on %s Postgres', (kind) => {
  let stack: TestStack;
  let keys: BoxWebhookKeys;
  let db: pg.Pool;
  let viaGateway: string;
  let direct: string;
  let stormBodies: string[] = [];

  beforeAll(async () => {
    // No stack worker: the queue's jobs stay where the tests can count them; a worker runs files' tasks later.
    stack = await startTestStack(kind, { worker: false });
    await migrateQueue(stack.databaseUrl);
    keys = stack.boxWebhookKeys!;
    viaGateway = new URL('/webhooks/box', stack.gatewayUrl).toString();
    direct = new URL('/webhooks/box', stack.subgraphUrls.files).toString();
    db = new pg.Pool({ connectionString: stack.databaseUrl, max: 3 });
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const rowsOf = async (boxEventId: string) =>
    (await db.query('SELECT * FROM files.box_webhook_events WHERE box_event_id = $1', [boxEventId])).rows;
  const jobsOf = async (boxEventIds: string[]) =>
    (
      await db.query<{ key: string; payload: unknown }>(
        `SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'box:webhook' AND key = ANY($1::text[])`,
        [boxEventIds.map((id) => `box-webhook:${id}`)],
      )
    ).rows;
  const totalRows = async () => Number((await db.query('SELECT count(*) FROM files.box_webhook_events')).rows[0].count);

  it('keys are generated next to the services’ keys and are two distinct secrets', () => {
    expect(keys.primary).toMatch(/^\S{32,}$/);
    expect(keys.secondary).toMatch(/^\S{32,}$/);
    expect(keys.secondary).not.toBe(keys.primary);
  });

  it('stores a delivery signed with the primary key only, or the secondary key only, once per Box event (the SDK agrees)', async () => {
    const byPrimary = boxEvent('FILE.UPLOADED', fileSource('9001'));
    const bySecondary = boxEvent('FILE.RENAMED', fileSource('9002'));
    const primaryHeaders = boxHeaders(keys, byPrimary, { secondary: null });
    const secondaryHeaders = boxHeaders(keys, bySecondary, { primary: null });
    // Box's own SDK accepts both deliveries as they are sent.
    const sdk = (body: string, headers: Record<string, string>) =>
      WebhooksManager.validateMessage(body, headers, keys.primary, { secondaryKey: keys.secondary });
    expect(await sdk(byPrimary, primaryHeaders)).toBe(true);
    expect(await sdk(bySecondary, secondaryHeaders)).toBe(true);

    expect(await deliver(direct, byPrimary, primaryHeaders)).toMatchObject({ status: 200, json: { status: 'stored' } });
    expect(await deliver(viaGateway, bySecondary, secondaryHeaders)).toMatchObject({ status: 200, json: { status: 'stored' } });
    // Box's retry: same payload, a new delivery id and timestamp.
    const retry = boxHeaders(keys, byPrimary, { at: Date.now() + 1000 });
    expect(await deliver(viaGateway, byPrimary, retry)).toMatchObject({ status: 200, json: { status: 'duplicate' } });

    const [first] = await rowsOf(idOf(byPrimary));
    expect(await rowsOf(idOf(byPrimary))).toHaveLength(1);
    expect(first).toMatchObject({
      trigger: 'FILE.UPLOADED',
      source_type: 'file',
      source_id: '9001',
      delivery_id: primaryHeaders['box-delivery-id'],
      actor: 'system:box-webhook',
      source_system: 'box-webhook',
      processed_at: null,
    });
    expect(first.external_id).toMatch(/^whk_/);
    expect(new Date(first.delivered_at).getTime()).toBe(Date.parse(primaryHeaders['box-delivery-timestamp']!));
    expect(first.payload).toEqual(JSON.parse(byPrimary));
    expect(await rowsOf(idOf(bySecondary))).toHaveLength(1);
    expect(await jobsOf([idOf(byPrimary), idOf(bySecondary)])).toHaveLength(2);

    // The integration log, for admins: the first delivery's id and timestamp.
    const admin = stack.callerFor(await stack.token('admin@wrk.demo'));
    const read = await admin<{ boxWebhookEvent: Record<string, unknown> }>(
      'query ($id: ID!) { boxWebhookEvent(id: $id) { boxEventId deliveryId deliveredAt trigger sourceType sourceId processedAt } }',
      { id: first.external_id },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.boxWebhookEvent).toEqual({
      boxEventId: idOf(byPrimary),
      deliveryId: primaryHeaders['box-delivery-id'],
      deliveredAt: new Date(Date.parse(primaryHeaders['box-delivery-timestamp']!)).toISOString(),
      trigger: 'FILE.UPLOADED',
      sourceType: 'file',
      sourceId: '9001',
      processedAt: null,
    });
  });

  it('a files subgraph that just started, hit by concurrent deliveries at once, enqueues a job for every event', async () => {
    const filesDb = createFilesDb(stack.databaseUrl);
    const files = await startSubgraph(filesSubgraph(filesDb, {}, { boxWebhookKeys: keys }), { keyring: stack.keyrings.files });
    try {
      const url = new URL('/webhooks/box', files.url).toString();
      const bodies = Array.from({ length: 40 }, (_, i) => boxEvent('FILE.UPLOADED', fileSource(`fresh${i}`)));
      const answers = await Promise.all(bodies.map((body) => deliver(url, body, boxHeaders(keys, body))));
      expect(answers.map((answer) => answer.status)).toEqual(bodies.map(() => 200));
      const { rows } = await db.query('SELECT count(*)::int AS n FROM files.box_webhook_events WHERE box_event_id = ANY($1)', [
        bodies.map(idOf),
      ]);
      expect(rows[0].n).toBe(40);
      expect(await jobsOf(bodies.map(idOf))).toHaveLength(40);
    } finally {
      await files.stop();
      await filesDb.$disconnect();
    }
  });

  it('a gateway that cannot reach files answers 502, naming no internal address', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
    const gateway = await startGateway({
      supergraphSdl: committedSupergraph(),
      subgraphUrls: { ...stack.subgraphUrls, files: nowhere },
      keyring: stack.keyrings.gateway,
      databaseUrl: stack.databaseUrl,
    });
    try {
      const body = boxEvent('FILE.UPLOADED', fileSource('9005'));
      const answer = await deliver(new URL('/webhooks/box', gateway.url).toString(), body, boxHeaders(keys, body));
      expect(answer.status).toBe(502);
      expect(answer.json).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAVAILABLE' } }] });
      expect(answer.text).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|at /);
    } finally {
      await gateway.stop();
    }
  });

  it('stores a body whose text holds a backslash before u0000 (not a NUL character)', async () => {
    const body = `{"type":"webhook_event","id":"${Date.now()}nul","trigger":"FILE.RENAMED","source":{"type":"file","id":"9006","name":"a\\\\u0000b"}}`;
    expect(await deliver(viaGateway, body, boxHeaders(keys, body))).toMatchObject({ status: 200, json: { status: 'stored' } });
    expect((await rowsOf(idOf(body)))[0].payload.source.name).toBe('a\\u0000b');
  });

  it('a delivery sent without Content-Length (chunked) passes through the gateway byte-exact and is stored', async () => {
    const body = boxEvent('FILE.COPIED', fileSource('9007'));
    const bytes = Buffer.from(body);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 50));
        controller.enqueue(bytes.subarray(50));
        controller.close();
      },
    });
    const response = await fetch(viaGateway, {
      method: 'POST',
      headers: boxHeaders(keys, body),
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'stored' });
    expect((await rowsOf(idOf(body)))[0].payload).toEqual(JSON.parse(body));
  });

  it.each([
    ['straight to files, served before Express', () => direct],
    ['straight to files, with a query string', () => `${direct}?source=box`],
    ['straight to files, a trailing slash (through Express)', () => `${direct}/`],
    ['through the gateway, with a query string', () => `${viaGateway}?source=box`],
    ['through the gateway, a trailing slash (through Express)', () => `${viaGateway}/`],
  ])('a delivery %s is stored once; its replay is a duplicate', async (_where, url) => {
    const body = boxEvent('FILE.UPLOADED', fileSource('9008'));
    expect(await deliver(url(), body, boxHeaders(keys, body))).toMatchObject({ status: 200, json: { status: 'stored' } });
    expect(await deliver(url(), body, boxHeaders(keys, body))).toMatchObject({ status: 200, json: { status: 'duplicate' } });
    expect(await rowsOf(idOf(body))).toHaveLength(1);
  });

  it('a compressed body straight to files → 415, nothing stored (the signature covers the bytes as sent)', async () => {
    const body = boxEvent('FILE.UPLOADED', fileSource('9009'));
    const before = await totalRows();
    const answer = await deliver(direct, body, { ...boxHeaders(keys, body), 'content-encoding': 'gzip' });
    expect(answer).toMatchObject({ status: 415, json: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } });
    expect(await totalRows()).toBe(before);
  });

  describe('the files subgraph’s batch route (how the gateway passes on deliveries that arrive together)', () => {
    const batchUrl = () => new URL('/webhooks/box/batch', stack.subgraphUrls.files).toString();
    const framed = (deliveries: { headers: Record<string, string>; body: string }[]) =>
      encodeDeliveries(deliveries.map(({ headers, body }) => ({ headers, body: Buffer.from(body) })));
    const sendBatch = async (data: Buffer) => {
      const response = await fetch(batchUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(data),
      });
      return { status: response.status, json: (await response.json()) as unknown };
    };

    it('answers each delivery as it would have been answered alone, in order; only the authentic events are stored, once', async () => {
      const fresh = boxEvent('FILE.UPLOADED', fileSource('9201'));
      const again = boxEvent('FILE.RENAMED', fileSource('9202'));
      const forged = boxEvent('FILE.TRASHED', fileSource('9203'));
      const notAnEvent = JSON.stringify({ type: 'webhook_event', trigger: 'FILE.UPLOADED' });
      const large = boxEvent('FILE.UPLOADED', { ...fileSource('9204'), description: 'x'.repeat(300 * 1024) });
      const compressed = boxEvent('FILE.UPLOADED', fileSource('9205'));
      expect((await deliver(direct, again, boxHeaders(keys, again))).status).toBe(200);
      const before = await totalRows();

      const answer = await sendBatch(
        framed([
          { headers: boxHeaders(keys, fresh), body: fresh },
          { headers: boxHeaders(keys, fresh), body: fresh },
          { headers: boxHeaders(keys, again), body: again },
          { headers: boxHeaders(keys, forged, { primary: 'not-the-key', secondary: null }), body: forged },
          { headers: boxHeaders(keys, notAnEvent), body: notAnEvent },
          { headers: boxHeaders(keys, large), body: large },
          { headers: { ...boxHeaders(keys, compressed), 'Content-Encoding': 'gzip' }, body: compressed },
        ]),
      );
      expect(answer.status).toBe(200);
      const replies = (answer.json as [number, string][]).map(([status, body]) => ({ status, json: JSON.parse(body) as unknown }));
      expect(replies.map(({ status }) => status)).toEqual([200, 200, 200, 401, 400, 413, 415]);
      expect(
        replies
          .slice(0, 3)
          .map(({ json }) => (json as { status: string }).status)
          .sort(),
      ).toEqual(['duplicate', 'duplicate', 'stored']);
      expect(replies.slice(3).map(({ json }) => json)).toEqual([
        { errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] },
        { errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }] },
        { errors: [{ message: expect.any(String), extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
        { errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }] },
      ]);
      expect(await rowsOf(idOf(fresh))).toHaveLength(1);
      expect(await totalRows()).toBe(before + 1);
      expect(await jobsOf([idOf(fresh)])).toHaveLength(1);
    });

    const event = boxEvent('FILE.UPLOADED', fileSource('9210'));
    const whole = () => framed([{ headers: boxHeaders(keys, event), body: event }]);
    const notBatches: [string, () => Buffer][] = [
      ['a frame cut short', () => whole().subarray(0, whole().length - 1)],
      ['headers without a body', () => whole().subarray(0, 4 + whole().readUInt32BE(0))],
      ['headers that are not a JSON object', () => encodeFrames([Buffer.from('["box-delivery-id"]'), Buffer.from(event)])],
      ['more than 64 deliveries', () => framed(Array.from({ length: 65 }, () => ({ headers: boxHeaders(keys, event), body: event })))],
    ];
    it.each(notBatches)('%s → 400, nothing stored (not even the authentic delivery in it)', async (_case, make) => {
      const before = await totalRows();
      expect(await sendBatch(make())).toMatchObject({ status: 400, json: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } });
      expect(await rowsOf(idOf(event))).toHaveLength(0);
      expect(await totalRows()).toBe(before);
    });

    it('a batch over 2 MiB → 413, nothing stored', async () => {
      const before = await totalRows();
      const filler = Buffer.alloc(2 * 1024 * 1024, 'x');
      expect(await sendBatch(Buffer.concat([whole(), filler]))).toMatchObject({
        status: 413,
        json: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] },
      });
      expect(await totalRows()).toBe(before);
    });
  });

  it('a delivery whose sender goes away mid-body stores nothing, and the next one is stored', async () => {
    const body = boxEvent('FILE.UPLOADED', fileSource('9010'));
    const before = await totalRows();
    const { port } = new URL(direct);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    const headers = Object.entries({ ...boxHeaders(keys, body), 'content-length': String(body.length) })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`POST /webhooks/box HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers}\r\n${body.slice(0, 40)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    expect(await deliver(direct, body, boxHeaders(keys, body))).toMatchObject({ status: 200, json: { status: 'stored' } });
    expect(await totalRows()).toBe(before + 1);
  });

  it('accepts up to 10 minutes of age and 1 minute of clock skew (where the SDK refuses any skew)', async () => {
    const old = boxEvent('FILE.MOVED', fileSource('9003'));
    const ahead = boxEvent('FILE.MOVED', fileSource('9004'));
    const oldHeaders = boxHeaders(keys, old, { at: Date.now() - 9 * MINUTE });
    const aheadHeaders = boxHeaders(keys, ahead, { at: Date.now() + 30_000 });
    expect(await WebhooksManager.validateMessage(ahead, aheadHeaders, keys.primary, { secondaryKey: keys.secondary })).toBe(false);
    expect((await deliver(viaGateway, old, oldHeaders)).status).toBe(200);
    expect((await deliver(viaGateway, ahead, aheadHeaders)).status).toBe(200);
    expect(await rowsOf(idOf(old))).toHaveLength(1);
    expect(await rowsOf(idOf(ahead))).toHaveLength(1);
  });

  describe.each([
    ['through the gateway', () => viaGateway],
    ['straight to files', () => direct],
  ])('refusals %s', (_where, url) => {
    const wrongKeys: BoxWebhookKeys = { primary: 'not-the-primary-key-0123456789abc', secondary: 'not-the-secondary-key-0123456789' };
    const unauthentic: [string, (body: string) => { body: string; headers: Record<string, string> }][] = [
      ['forged (signed with other keys)', (body) => ({ body, headers: boxHeaders(wrongKeys, body) })],
      ['stale (11 minutes old)', (body) => ({ body, headers: boxHeaders(keys, body, { at: Date.now() - 11 * MINUTE }) })],
      ['future-dated (+2 minutes)', (body) => ({ body, headers: boxHeaders(keys, body, { at: Date.now() + 2 * MINUTE }) })],
      ['tampered body', (body) => ({ body: body.replace('"id":"', '"id":"1'), headers: boxHeaders(keys, body) })],
      ['re-serialized body', (body) => ({ body: JSON.stringify(JSON.parse(body), null, 1), headers: boxHeaders(keys, body) })],
      ['no signature headers', (body) => ({ body, headers: boxHeaders(keys, body, { primary: null, secondary: null }) })],
      [
        'no timestamp',
        (body) => {
          const { 'box-delivery-timestamp': _dropped, ...headers } = boxHeaders(keys, body);
          return { body, headers };
        },
      ],
      ['another signature version', (body) => ({ body, headers: { ...boxHeaders(keys, body), 'box-signature-version': '2' } })],
      ['another algorithm', (body) => ({ body, headers: { ...boxHeaders(keys, body), 'box-signature-algorithm': 'HmacSHA1' } })],
      [
        'a primary signature moved to the secondary header',
        (body) => {
          const headers = boxHeaders(keys, body, { secondary: null });
          const { 'box-signature-primary': signature, ...rest } = headers;
          return { body, headers: { ...rest, 'box-signature-secondary': signature! } };
        },
      ],
    ];
    it.each(unauthentic)('%s → 401, nothing stored', async (_case, make) => {
      const body = boxEvent('FILE.TRASHED', fileSource('9100'));
      const before = await totalRows();
      const { body: sent, headers } = make(body);
      const answer = await deliver(url(), sent, headers);
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      expect(answer.text).not.toMatch(/127\.0\.0\.1|localhost|at .*\.ts/);
      expect(await rowsOf(idOf(body))).toHaveLength(0);
      expect(await totalRows()).toBe(before);
    });

    const malformed: [string, string][] = [
      ['not JSON', '{"id": "1", "trigger": '],
      ['no id', JSON.stringify({ type: 'webhook_event', trigger: 'FILE.UPLOADED', source: fileSource('1') })],
      ['no trigger', JSON.stringify({ type: 'webhook_event', id: '98765', source: fileSource('1') })],
      ['a number as id', JSON.stringify({ id: 98765, trigger: 'FILE.UPLOADED' })],
      ['an array', JSON.stringify([{ id: '98765', trigger: 'FILE.UPLOADED' }])],
      [
        'a NUL character (which jsonb cannot hold)',
        '{"id":"98766","trigger":"FILE.UPLOADED","source":{"type":"file","id":"1","name":"a\\u0000b"}}',
      ],
      ['empty', ''],
    ];
    it.each(malformed)('signed but %s → 400, nothing stored', async (_case, body) => {
      const before = await totalRows();
      const answer = await deliver(url(), body, boxHeaders(keys, body));
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
      expect(await totalRows()).toBe(before);
    });

    it('a chunked body (no Content-Length) over the limit → 413, nothing stored', async () => {
      const body = boxEvent('FILE.UPLOADED', { ...fileSource('9102'), description: 'x'.repeat(300 * 1024) });
      const bytes = Buffer.from(body);
      const before = await totalRows();
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
          controller.close();
        },
      });
      const answer = await fetch(url(), { method: 'POST', headers: boxHeaders(keys, body), body: chunked, duplex: 'half' } as RequestInit);
      expect(answer.status).toBe(413);
      expect(await answer.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      expect(await totalRows()).toBe(before);
    });

    it('a body over the limit → 413, nothing stored', async () => {
      const body = boxEvent('FILE.UPLOADED', { ...fileSource('9101'), description: 'x'.repeat(300 * 1024) });
      const before = await totalRows();
      const answer = await deliver(url(), body, boxHeaders(keys, body));
      expect(answer.status).toBe(413);
      expect(await totalRows()).toBe(before);
    });
  });

  it('a replay storm through the gateway — 200 events, each delivered 5 times at once with new delivery ids — stores 200 rows and 200 jobs', async () => {
    const bodies = (stormBodies = Array.from({ length: 200 }, (_, i) =>
      i % 4 === 3
        ? boxEvent('COLLABORATION.CREATED', { type: 'collaboration', id: `c${i}`, item: { type: 'folder', id: `f${i}` } })
        : boxEvent('FILE.UPLOADED', fileSource(`s${i}`)),
    ));
    const before = await totalRows();
    const send = (body: string) => () => deliver(viaGateway, body, boxHeaders(keys, body));
    // Each event's five deliveries sit next to each other, so they are in flight together.
    let answers = await inParallel(
      50,
      bodies.flatMap((body) => Array.from({ length: 5 }, () => send(body))),
    );
    // A batch that could not be stored in time (a loaded machine) is answered 503 and stores nothing; Box sends its
    // deliveries again, as here (a bounded number of times). Every answer ends 200, each event stored exactly once.
    const sent = bodies.flatMap((body) => Array.from({ length: 5 }, () => body));
    for (let retry = 0; retry < 3 && answers.some((answer) => answer.status === 503); retry += 1) {
      const again = sent.flatMap((body, index) => (answers[index]!.status === 503 ? [index] : []));
      const retried = await inParallel(
        10,
        again.map((index) => send(sent[index]!)),
      );
      answers = answers.map((answer, index) => (again.includes(index) ? retried[again.indexOf(index)]! : answer));
    }
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(answers.filter((answer) => answer.json?.status === 'stored')).toHaveLength(200);
    expect(await totalRows()).toBe(before + 200);
    const ids = bodies.map(idOf);
    const { rows } = await db.query(
      'SELECT box_event_id, count(*)::int AS n FROM files.box_webhook_events WHERE box_event_id = ANY($1) GROUP BY 1',
      [ids],
    );
    expect(rows).toHaveLength(200);
    expect(rows.every((row: { n: number }) => row.n === 1)).toBe(true);
    expect(await jobsOf(ids)).toHaveLength(200);
  });

  describe('batches: deliveries arriving together share one statement and one commit', () => {
    let filesDb: FilesDb;
    let locker: pg.PoolClient | undefined;

    beforeAll(() => {
      filesDb = createBoxWebhookDb(stack.databaseUrl);
    });
    afterEach(async () => unlock());
    afterAll(async () => {
      await filesDb?.$disconnect();
    });

    const delivery = (body: string): Delivery => ({
      payload: parseBoxWebhookPayload(body)!,
      body,
      deliveryId: randomUUID(),
      deliveredAt: new Date(),
    });
    const events = (name: string, n: number) => Array.from({ length: n }, (_, i) => boxEvent('FILE.UPLOADED', fileSource(`${name}${i}`)));
    const storedOf = async (ids: string[]) =>
      (
        await db.query<{ id: string }>('SELECT box_event_id AS id FROM files.box_webhook_events WHERE box_event_id = ANY($1)', [ids])
      ).rows.map((row) => row.id);
    /** Holds a lock that makes every insert into box_webhook_events wait, until unlock(). */
    const lock = async () => {
      locker = await db.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE files.box_webhook_events IN SHARE MODE');
    };
    async function unlock() {
      const held = locker;
      locker = undefined;
      if (!held) return;
      await held.query('ROLLBACK');
      held.release();
    }
    /** The backends of webhook inserts waiting for that lock (at least one). */
    const blockedInserts = () =>
      waitFor('a webhook insert waiting for the lock', async () => {
        const { rows } = await db.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO "files"."box_webhook_events"%'`,
        );
        return rows.length ? rows.map((row) => row.pid) : undefined;
      });

    it('a batch whose statement fails (a constraint) fails every delivery in it and stores none; sent again, each is stored once', async () => {
      const bodies = [...events('b', 9), boxEvent('FILE.UPLOADED', fileSource('b-poison'), `${Date.now()}poison`)];
      const ids = bodies.map(idOf);
      const store = boxWebhookStore(filesDb);
      await db.query(`ALTER TABLE files.box_webhook_events ADD CONSTRAINT test_poison CHECK (box_event_id NOT LIKE '%poison') NOT VALID`);
      try {
        // Handed over in one tick: one batch, one statement.
        const outcomes = await Promise.allSettled(bodies.map((body) => store(delivery(body))));
        expect(outcomes.map((outcome) => outcome.status)).toEqual(bodies.map(() => 'rejected'));
        expect(await storedOf(ids)).toEqual([]);
        expect(await jobsOf(ids)).toEqual([]);
      } finally {
        await db.query('ALTER TABLE files.box_webhook_events DROP CONSTRAINT test_poison');
      }
      expect(await Promise.all(bodies.map((body) => store(delivery(body))))).toEqual(bodies.map(() => 'stored'));
      expect((await storedOf(ids)).sort()).toEqual([...ids].sort());
      expect(await jobsOf(ids)).toHaveLength(ids.length);
    });

    it('a batch whose connection is terminated mid-statement answers 503 to its deliveries and stores none of them; Box’s retries are stored once', async () => {
      const bodies = events('t', 8);
      await lock();
      const answers = Promise.all(bodies.map((body) => deliver(direct, body, boxHeaders(keys, body))));
      const pids = await blockedInserts();
      await db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
      await unlock();
      const first = await answers;
      const failed = bodies.filter((_, i) => first[i]!.status === 503);
      expect(failed.length).toBeGreaterThan(0);
      for (const answer of first) {
        if (answer.status === 503) expect(answer.json).toMatchObject({ errors: [{ extensions: { code: 'UNAVAILABLE' } }] });
        else expect(answer).toMatchObject({ status: 200, json: { status: 'stored' } });
      }
      const stored = await storedOf(bodies.map(idOf));
      expect(stored.sort()).toEqual(
        bodies
          .filter((_, i) => first[i]!.status === 200)
          .map(idOf)
          .sort(),
      );

      const again = await Promise.all(bodies.map((body) => deliver(viaGateway, body, boxHeaders(keys, body))));
      expect(again.map((answer) => answer.json?.status)).toEqual(first.map((answer) => (answer.status === 503 ? 'stored' : 'duplicate')));
      expect((await storedOf(bodies.map(idOf))).sort()).toEqual(bodies.map(idOf).sort());
      expect(await jobsOf(bodies.map(idOf))).toHaveLength(bodies.length);
    });

    it(`a batch held past ${STATEMENT_TIMEOUT_MS / 1000} s (a lock) is cancelled by its statement timeout, storing none`, async () => {
      const bodies = events('slow', 3);
      const store = boxWebhookStore(filesDb);
      await lock();
      // Without the timeout the batch would wait for the lock; it is released well after the timeout instead.
      const release = setTimeout(() => void unlock(), STATEMENT_TIMEOUT_MS + 5_000);
      try {
        const outcomes = await Promise.allSettled(bodies.map((body) => store(delivery(body))));
        expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : outcome.value))).toEqual(
          bodies.map(() => expect.stringMatching(/statement timeout/)),
        );
      } finally {
        clearTimeout(release);
      }
      await unlock();
      expect(await storedOf(bodies.map(idOf))).toEqual([]);
    }, 30_000);

    it('a replay of an event this process stored costs no statement; another process finds the row (the unique key decides)', async () => {
      const [body] = events('r', 1);
      const store = boxWebhookStore(filesDb);
      expect(await store(delivery(body!))).toBe('stored');
      await lock();
      // Any insert would now wait for the lock (and time out): the replay is answered without one.
      expect(await store(delivery(body!))).toBe('duplicate');
      await unlock();
      expect(await boxWebhookStore(filesDb)(delivery(body!))).toBe('duplicate');
      expect(await storedOf([idOf(body!)])).toHaveLength(1);
    });

    it.each([
      ['through the gateway', () => viaGateway],
      ['straight to files', () => direct],
    ])(
      'forged, tampered and malformed deliveries among authentic ones (%s) are answered at once and do not touch the batch',
      async (_where, url) => {
        const authentic = events(`m${url().length}`, 6);
        const forged = boxEvent('FILE.UPLOADED', fileSource('m-forged'));
        const tampered = boxEvent('FILE.UPLOADED', fileSource('m-tampered'));
        const malformed = JSON.stringify({ type: 'webhook_event', id: `${Date.now()}m-malformed` });
        await lock();
        const answers = Promise.all(authentic.map((body) => deliver(url(), body, boxHeaders(keys, body))));
        await blockedInserts();
        // While the authentic deliveries' batch waits, the others are refused.
        expect((await deliver(url(), forged, boxHeaders({ primary: 'x'.repeat(32), secondary: 'y'.repeat(32) }, forged))).status).toBe(401);
        expect((await deliver(url(), tampered.replace('m-tampered', 'm-tampereD'), boxHeaders(keys, tampered))).status).toBe(401);
        expect((await deliver(url(), malformed, boxHeaders(keys, malformed))).status).toBe(400);
        await unlock();
        expect((await answers).map((answer) => answer.json?.status)).toEqual(authentic.map(() => 'stored'));
        expect((await storedOf([...authentic, forged, tampered].map(idOf))).sort()).toEqual(authentic.map(idOf).sort());
      },
    );
  });

  describe('processing by the worker', () => {
    let worker: RunningWorker;
    let filesDb: FilesDb;
    const recorder = recordingSync();

    beforeAll(async () => {
      filesDb = createFilesDb(stack.databaseUrl);
      worker = await startWorker({
        databaseUrl: stack.databaseUrl,
        tasks: boxWebhookTasks(filesDb, recorder.sync),
        crontab: [BOX_WEBHOOK_CRONTAB],
        pollIntervalMs: 200,
      });
    });
    afterAll(async () => {
      await worker?.stop();
      await filesDb?.$disconnect();
    });

    const processed = (boxEventId: string) =>
      waitFor(`event ${boxEventId} processed`, async () => {
        const [row] = await rowsOf(boxEventId);
        return row?.processed_at ? row : undefined;
      });

    it('re-reads the item an event names (a collaboration’s item), ignores views, retries a failure with backoff', async () => {
      const file = boxEvent('FILE.MOVED', fileSource('7001'));
      const collaboration = boxEvent('COLLABORATION.REMOVED', { type: 'collaboration', id: '5501', item: { type: 'folder', id: '7002' } });
      const link = boxEvent('SHARED_LINK.CREATED', { type: 'web_link', id: '7003' });
      const preview = boxEvent('FILE.PREVIEWED', fileSource('7004'));
      const flaky = boxEvent('FOLDER.RENAMED', { type: 'folder', id: '7005', name: 'Renamed' });
      recorder.failOnce.add('folder:7005');
      for (const body of [file, collaboration, link, preview, flaky]) {
        expect((await deliver(viaGateway, body, boxHeaders(keys, body))).status).toBe(200);
      }
      for (const body of [file, collaboration, link, preview]) await processed(idOf(body));
      expect(recorder.calls).toEqual(expect.arrayContaining(['file:7001', 'folder:7002', 'web_link:7003']));
      expect(recorder.calls).not.toContain('file:7004');

      // The first attempt failed: the error is noted, and the queue's retry (after about e¹ s) succeeds.
      const failed = await waitFor('the failure noted', async () => (await rowsOf(idOf(flaky)))[0]?.processing_error ?? undefined);
      expect(failed).toMatch(/503/);
      const row = await processed(idOf(flaky));
      expect(row.processing_error).toBeNull();
      expect(recorder.calls.filter((call) => call === 'folder:7005')).toHaveLength(2);
    });

    it('processes every event of the storm once, and a replay after processing enqueues nothing', async () => {
      await waitFor('the queue drained', async () => {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'box:webhook'`);
        return rows[0].n === 0 ? true : undefined;
      });
      const { rows } = await db.query('SELECT count(*)::int AS n FROM files.box_webhook_events WHERE processed_at IS NULL');
      expect(rows[0].n).toBe(0);
      const refreshed = new Set(recorder.calls);
      expect(refreshed.has('file:s0')).toBe(true);
      expect(refreshed.has('folder:f3')).toBe(true);
      expect(recorder.calls.filter((call) => call === 'file:s0')).toHaveLength(1);

      // Box delivering the first event once more, long after: the same row, nothing new to process.
      const [first] = stormBodies;
      const before = await totalRows();
      expect(await deliver(viaGateway, first!, boxHeaders(keys, first!))).toMatchObject({ status: 200, json: { status: 'duplicate' } });
      expect(await totalRows()).toBe(before);
      expect((await rowsOf(idOf(first!)))[0].processed_at).not.toBeNull();
    });
  });

  describe('Box’s own deliveries (the fake Box API’s sender) processed by the Box sync', () => {
    let fake: FakeBox;
    let hop: Awaited<ReturnType<typeof startLossyHop>>;
    let worker: RunningWorker;
    let filesDb: FilesDb;
    let folderId: string;

    beforeAll(async () => {
      const state = new BoxState();
      folderId = state.createFolder({ name: 'Contracts', parentId: '0' }).id;
      // The fake signs with WRK's keys (as a Box app's console shows them), escapes bodies as Box's PHP side may,
      // and retries after 20 ms instead of 5 minutes.
      fake = await startFakeBox({
        state,
        webhooks: { keys: { primary: keys.primary, secondary: keys.secondary }, retryDelaysMs: [20, 20, 20], escaped: true },
      });
      hop = await startLossyHop(viaGateway);
      filesDb = createFilesDb(stack.databaseUrl);
      const client = createBoxClient({
        apiBase: fake.url,
        clientId: DEFAULT_APP.clientId,
        clientSecret: DEFAULT_APP.clientSecret,
        enterpriseId: state.enterpriseId,
        timeoutMs: 10_000,
      });
      await client.webhooks.createWebhook({
        target: { id: folderId, type: 'folder' },
        address: hop.url,
        triggers: ['FILE.UPLOADED', 'FILE.RENAMED'],
      });
      worker = await startWorker({
        databaseUrl: stack.databaseUrl,
        tasks: boxWebhookTasks(filesDb, boxItemSync(filesDb, client)),
        pollIntervalMs: 200,
      });
    });
    afterAll(async () => {
      await worker?.stop();
      await filesDb?.$disconnect();
      await hop?.close();
      await fake?.stop();
    });

    it('a delivery answered 500 is retried with a new delivery id and ends in one row; its job mirrors the item from Box', async () => {
      const file = fake.state.uploadFile({ name: 'Grant agreement.pdf', parentId: folderId, content: 'signed' });
      await fake.webhookSender.idle();
      const attempts = fake.webhookSender.sent.filter((sent) => sent.trigger === 'FILE.UPLOADED');
      expect(attempts.map((sent) => sent.status)).toEqual([500, 200]);
      expect(new Set(attempts.map((sent) => sent.deliveryId)).size).toBe(2);
      const eventId = attempts[0]!.payloadId;
      expect(attempts[1]!.payloadId).toBe(eventId);
      const rows = await rowsOf(eventId);
      expect(rows).toHaveLength(1);
      // The first delivery was stored (only its answer was lost); the retry found it.
      expect(rows[0].delivery_id).toBe(attempts[0]!.deliveryId);
      await waitFor('the upload processed', async () => ((await rowsOf(eventId))[0]?.processed_at ? true : undefined));
      const mirrored = await filesDb.boxItem.findUnique({ where: { boxItemId: file.id } });
      expect(mirrored).toMatchObject({ name: 'Grant agreement.pdf', boxItemType: 'file', parentBoxFolderId: folderId });

      fake.state.rename(file.id, 'Grant agreement — signé.pdf');
      await fake.webhookSender.idle();
      const renamed = fake.webhookSender.sent.find((sent) => sent.trigger === 'FILE.RENAMED')!;
      await waitFor('rename processed', async () => ((await rowsOf(renamed.payloadId))[0]?.processed_at ? true : undefined));
      expect(await filesDb.boxItem.findUnique({ where: { boxItemId: file.id } })).toMatchObject({ name: 'Grant agreement — signé.pdf' });
    });
  });

  describe('the files subgraph alone', () => {
    let database: TestDatabase;
    let files: RunningServer;
    let unconfigured: RunningServer;
    let filesDb: FilesDb;
    let url: string;
    const aloneKeys: BoxWebhookKeys = { primary: randomUUID().replaceAll('-', ''), secondary: randomUUID().replaceAll('-', '') };

    beforeAll(async () => {
      // A database no worker has touched: the slices are migrated, graphile-worker's queue is not.
      database = await freshDatabase(kind);
      await migrate(database.url);
      filesDb = createFilesDb(database.url);
      const keyring = serviceKeyring('files', await mkdtemp(join(tmpdir(), 'wrk-files-alone-keys-')));
      files = await startSubgraph(filesSubgraph(filesDb, {}, { boxWebhookKeys: aloneKeys }), { keyring });
      unconfigured = await startSubgraph(filesSubgraph(filesDb, {}), { keyring });
      url = new URL('/webhooks/box', files.url).toString();
    });
    afterAll(async () => {
      await files?.stop();
      await unconfigured?.stop();
      await filesDb?.$disconnect();
      await database?.release();
    });

    it('stores deliveries without a queue, and the worker’s sweep enqueues them once the queue exists', async () => {
      const body = boxEvent('FILE.UPLOADED', fileSource('8001'));
      expect(await deliver(url, body, boxHeaders(aloneKeys, body))).toMatchObject({ status: 200, json: { status: 'stored' } });
      expect(await deliver(url, body, boxHeaders(aloneKeys, body))).toMatchObject({ status: 200, json: { status: 'duplicate' } });
      expect((await deliver(url, body, boxHeaders(keys, body))).status).toBe(401);
      const pool = new pg.Pool({ connectionString: database.url, max: 1 });
      try {
        expect((await pool.query(`SELECT to_regclass('graphile_worker.jobs') AS jobs`)).rows[0].jobs).toBeNull();
        await migrateQueue(database.url);
        expect(await enqueueUnqueuedBoxWebhooks(filesDb)).toBe(1);
        expect(await enqueueUnqueuedBoxWebhooks(filesDb)).toBe(1);
        const { rows } = await pool.query(`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'box:webhook'`);
        expect(rows).toEqual([{ key: `box-webhook:${idOf(body)}` }]);
      } finally {
        await pool.end();
      }
    });

    it('answers 503 where no keys are configured, storing nothing', async () => {
      const body = boxEvent('FILE.UPLOADED', fileSource('8002'));
      const answer = await deliver(new URL('/webhooks/box', unconfigured.url).toString(), body, boxHeaders(aloneKeys, body));
      expect(answer).toMatchObject({ status: 503, json: { errors: [{ extensions: { code: 'UNAVAILABLE' } }] } });
      expect(await filesDb.boxWebhookEvent.count({ where: { boxEventId: idOf(body) } })).toBe(0);
    });
  });

  describe('the stack as `pnpm start` runs it (its Box runtime: the fake with the demo organisation)', () => {
    let boxed: TestStack;

    beforeAll(async () => {
      boxed = await startTestStack(kind, { box: true });
    }, 120_000);
    afterAll(async () => {
      await boxed?.stop();
    });

    it('a webhook the demo Box sends to the gateway is verified with the stack’s keys, stored once and applied by the sync', async () => {
      const { fake, client } = boxed.box!;
      const address = new URL('/webhooks/box', boxed.gatewayUrl).toString();
      await client.webhooks.createWebhook({
        target: { id: DEMO_BOX.folders.contracts, type: 'folder' },
        address,
        triggers: ['FILE.UPLOADED'],
      });
      const file = fake!.state.uploadFile({ name: 'Webhook smoke.pdf', parentId: DEMO_BOX.folders.contracts, content: 'x' });
      await fake!.webhookSender.idle();
      const [sent] = fake!.webhookSender.sent.filter((delivery) => delivery.trigger === 'FILE.UPLOADED');
      expect(sent?.status).toBe(200);
      const pool = new pg.Pool({ connectionString: boxed.databaseUrl, max: 1 });
      try {
        const processed = await waitFor('the event processed', async () => {
          const { rows } = await pool.query('SELECT processed_at FROM files.box_webhook_events WHERE box_event_id = $1', [sent!.payloadId]);
          return rows[0]?.processed_at ? rows : undefined;
        });
        expect(processed).toHaveLength(1);
        const { rows } = await pool.query('SELECT name FROM files.box_items WHERE box_item_id = $1', [file.id]);
        expect(rows).toEqual([{ name: 'Webhook smoke.pdf' }]);
      } finally {
        await pool.end();
      }
    });
  });
});
