/**
 * Postgres stopped and restarted under concurrent writes, on an embedded server this test owns: callers are told
 * the service is unavailable (503 UNAVAILABLE with Retry-After) — never 401, never a leak of the database's
 * address or Prisma's text — every process reconnects by itself, and every acknowledged write is there with its audit
 * row and its outbound event.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningDatabase } from '@wrk/devdb';
import { ask, report, sleep, type Outcome } from '../../support/outages.ts';
import { startProductionStack, type ProductionStack } from '../../support/production.ts';

const WRITERS = 8;
const CREATE = 'mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }';

describe('Postgres stopped and restarted under concurrent writes (embedded Postgres of its own)', () => {
  let dataDir: string;
  let port: number;
  let postgres: RunningDatabase;
  let stack: ProductionStack;
  let token: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wrk-fault-pg-'));
    postgres = await startEmbeddedPostgres({ dataDir });
    port = Number(new URL(postgres.url).port);
    stack = await startProductionStack('embedded', {
      database: { kind: 'embedded', url: postgres.url, release: async () => undefined },
      env: { WRK_RATE_LIMIT_TOKEN: '100000', WRK_RATE_LIMIT_ADDRESS: '100000', WRK_DB_CONNECT_TIMEOUT_MS: '1000' },
    });
    token = await stack.token();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('answers 503 UNAVAILABLE while the database is down, and keeps every acknowledged write', async () => {
    const outcomes: Outcome[] = [];
    const acknowledged: string[] = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    // After the restart: until every writer has been served a few times again, or 30 s have passed.
    const servedAfter = { count: 0, until: Infinity };
    const writer = async (n: number) => {
      for (let i = 0; ; i += 1) {
        if (phase === 'after' && (servedAfter.count >= WRITERS * 5 || Date.now() > servedAfter.until)) return;
        const outcome = await ask(stack.gatewayUrl, CREATE, { token, variables: { name: `fault ${n}.${i}` }, deadlineMs: 20_000 });
        outcomes.push(outcome);
        const id = (outcome.data as { createOrganization?: { id: string } } | null)?.createOrganization?.id;
        if (outcome.code === 'OK' && id) {
          acknowledged.push(id);
          if (phase === 'after') servedAfter.count += 1;
        } else {
          await sleep(100);
        }
      }
    };
    const writers = Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n)));
    await sleep(1_500);
    phase = 'down';
    await postgres.stop();
    await sleep(3_000);
    postgres = await startEmbeddedPostgres({ dataDir, port });
    servedAfter.until = Date.now() + 30_000;
    phase = 'after';
    await writers;
    report(`Postgres stopped 3 s under ${WRITERS} writers`, outcomes);

    // Every process reconnected by itself. If not, what each process printed says which one did not, and why.
    const exited = Object.entries(stack.services).filter(([, service]) => service.child?.exitCode !== null);
    if (servedAfter.count === 0 || exited.length) {
      const lastErrors = outcomes.slice(-5).map((outcome) => JSON.stringify(outcome.errors));
      const printed = Object.entries(stack.services).map(([name, service]) => `--- ${name}\n${service.output.join('').slice(-4_000)}`);
      process.stdout.write(
        `[fault] after the restart (served ${servedAfter.count}, exited: ${exited.map(([name]) => name).join(', ') || 'none'}):\n${lastErrors.join('\n')}\n${printed.join('\n')}\n`,
      );
    }
    expect(exited.map(([name]) => name)).toEqual([]);
    expect(servedAfter.count).toBeGreaterThan(0);
    const failed = outcomes.filter((outcome) => outcome.code !== 'OK');
    expect(failed.length).toBeGreaterThan(0);
    for (const outcome of failed) {
      expect(outcome).toMatchObject({ status: 503, code: 'UNAVAILABLE', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(Number(outcome.retryAfter)).toBeGreaterThan(0);
      expect(JSON.stringify(outcome.errors)).not.toMatch(/prisma|127\.0\.0\.1|ECONN|\/src\//i);
    }

    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    try {
      const rows = async (sql: string) => (await db.query<{ id: string }>(sql, [acknowledged])).rows.map((row) => row.id);
      expect(new Set(await rows('SELECT external_id AS id FROM core.organizations WHERE external_id = ANY($1)'))).toEqual(
        new Set(acknowledged),
      );
      const audited = await rows('SELECT entity_id AS id FROM platform.audit_logs WHERE entity_id = ANY($1)');
      expect(audited.sort()).toEqual([...acknowledged].sort());
      const events = await rows(
        "SELECT entity_id AS id FROM platform.integration_events WHERE direction = 'outbound' AND entity_id = ANY($1)",
      );
      expect(events.sort()).toEqual([...acknowledged].sort());
    } finally {
      await db.end();
    }
  }, 180_000);
});
