/**
 * Box webhook deliveries at a SIGTERM (production shape, loopback, bounded). The intake is served before each process's
 * request lifecycle (its scope, metrics and access log cost more than storing a delivery) but is drained as requests
 * are: a SIGTERM to the gateway or to the files subgraph answers the deliveries in progress (stored) before the
 * process exits 0, and refuses new ones with 503, which Box retries with a new delivery ID. Without that, deliveries
 * in progress were cut (the gateway's unanswered, files' answered 502 after being stored), and an event left
 * unstored waited for Box's retry, however long Box takes: a collaboration removed in Box stayed in the mirror meanwhile.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { deliveryHeaders } from '@wrk/fake-box';
import { databaseKinds } from '../../support/databases.ts';
import { startProductionStack, type ProductionStack } from '../../support/production.ts';
import { waitFor } from '../../support/waitFor.ts';

const [kind] = databaseKinds();
const BOX_WEBHOOK_KEY = randomBytes(24).toString('base64url');
const EVENTS = 12;

/** The answer's status, or `cut` when the connection closed without one. */
async function deliver(url: string, eventId: string): Promise<number | 'cut'> {
  const body = JSON.stringify({ type: 'webhook_event', id: eventId, trigger: 'FILE.UPLOADED', source: { type: 'file', id: '42' } });
  const headers = deliveryHeaders(body, { keys: { primary: BOX_WEBHOOK_KEY } });
  return fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) }).then(
    async (response) => {
      await response.arrayBuffer();
      return response.status;
    },
    () => 'cut' as const,
  );
}

describe(`Box webhook deliveries in flight at a SIGTERM (${kind} Postgres)`, () => {
  let stack: ProductionStack;
  let db: pg.Client;

  beforeAll(async () => {
    stack = await startProductionStack(kind!, { boxWebhookKey: BOX_WEBHOOK_KEY, env: { WRK_SHUTDOWN_TIMEOUT: '10000' } });
    db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const rowsOf = async (ids: string[]) =>
    (
      await db.query<{ box_event_id: string }>('SELECT box_event_id FROM files.box_webhook_events WHERE box_event_id = ANY($1)', [ids])
    ).rows.map((row) => row.box_event_id);

  it.each(['gateway', 'files'] as const)(
    'SIGTERM to %s with deliveries held at the database: the one at the lock is stored and answered 200, none is cut, new ones refused 503, exit 0',
    async (target) => {
      const url = `${stack.services.gateway.url}/webhooks/box`;
      const ids = Array.from({ length: EVENTS }, (_, i) => `drain-${target}-${Date.now()}-${i}`);
      const late = `drain-${target}-${Date.now()}-late`;
      // The files subgraph's inserts wait on this lock, so the deliveries are in progress when the signal comes.
      const locker = new pg.Client({ connectionString: stack.database.url });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE files.box_webhook_events IN ACCESS EXCLUSIVE MODE');
        const answers = Promise.all(ids.map((id) => deliver(url, id)));
        await waitFor('an insert waiting on the lock', async () => {
          const { rows } = await db.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
             WHERE c.relname = 'box_webhook_events' AND NOT l.granted`,
          );
          return (rows[0]?.waiting ?? 0) > 0 ? true : undefined;
        });
        const exited = stack.services[target].signal('SIGTERM');
        // A probe on a keep-alive connection the drain has just closed fails: asked again.
        await waitFor(`${target} draining`, async () => {
          const ready = await fetch(`${stack.services[target].url}/ready`)
            .then((response) => response.json() as Promise<{ status?: string }>)
            .catch(() => undefined);
          return ready?.status === 'draining' ? true : undefined;
        });
        // Straight to the draining process: through the gateway, a delivery to files could wait for a request slot that
        // the held batches fill until the lock goes.
        const lateUrl = target === 'gateway' ? url : `${stack.services.files.url}/webhooks/box`;
        expect(await deliver(lateUrl, late)).toBe(503);
        await locker.query('COMMIT');
        const statuses = await answers;
        expect(await exited).toBe(0);
        // Each is answered, none cut. The one waiting at the lock when the signal came (at least) is stored and answered
        // 200; any the gateway passed on later is refused by the draining files subgraph (503) or, once it has closed,
        // not delivered (502).
        expect(statuses.filter((status) => status === 'cut')).toEqual([]);
        expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
        const stored = new Set(await rowsOf(ids));
        expect(ids.filter((id, i) => statuses[i] === 200 && !stored.has(id))).toEqual([]);

        await stack.services[target].start();
        // Box's retries of the others, with new delivery IDs: each stored once.
        const refused = [...ids.filter((_, i) => statuses[i] !== 200), late];
        expect(await Promise.all(refused.map((id) => deliver(url, id)))).toEqual(refused.map(() => 200));
        expect((await rowsOf([...ids, late])).sort()).toEqual([...ids, late].sort());
      } finally {
        await locker.end();
        const proc = stack.services[target];
        if (proc.child?.exitCode !== null || proc.child?.signalCode !== null) await proc.start().catch(() => undefined);
      }
    },
    90_000,
  );
});
