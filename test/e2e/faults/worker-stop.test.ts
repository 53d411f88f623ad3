/**
 * The worker stops cleanly: a running job finishes, one that outlives WRK_SHUTDOWN_TIMEOUT is aborted and released to
 * be retried (never lost, never left locked); its backlog gauges are on /metrics while it runs.
 */
import pg from 'pg';
import { migrate } from '@wrk/migrate';
import { metricsRegistry } from '@wrk/platform';
import { migrateQueue, startWorker } from '@wrk/worker';
import { databaseKinds, freshDatabase, type TestDatabase } from '../../support/databases.ts';

const [kind] = databaseKinds();

interface JobRow {
  task_identifier: string;
  attempts: number;
  locked_at: Date | null;
  last_error: string | null;
}

describe(`the worker's graceful stop (${kind} Postgres)`, () => {
  let database: TestDatabase;
  let db: pg.Client;

  beforeAll(async () => {
    database = await freshDatabase(kind!);
    await migrate(database.url);
    await migrateQueue(database.url);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await database?.release();
  });

  afterEach(() => {
    delete process.env.WRK_SHUTDOWN_TIMEOUT;
  });

  const jobs = async () =>
    (await db.query<JobRow>('SELECT task_identifier, attempts, locked_at, last_error FROM graphile_worker.jobs ORDER BY id')).rows;

  it('lets a running job finish before it stops, and reports its backlog while it runs', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let finished = false;
    const worker = await startWorker({
      databaseUrl: database.url,
      pollIntervalMs: 100,
      tasks: {
        'test:slow': async () => {
          started();
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          finished = true;
        },
        'test:later': async () => undefined,
      },
    });
    await worker.addJob('test:later', {}, { runAt: new Date(Date.now() + 3_600_000) });
    await worker.addJob('test:slow');
    await running;

    const backlog = await metricsRegistry.getSingleMetricAsString('wrk_backlog');
    expect(backlog).toContain('wrk_backlog{source="worker",measure="queue_running"} 1');
    expect(backlog).toContain('wrk_backlog{source="worker",measure="queue_scheduled"} 1');
    expect(backlog).toContain('wrk_backlog{source="worker",measure="outbox_pending"} 0');
    expect(backlog).toContain('wrk_backlog{source="worker",measure="outbox_lag_seconds"} 0');

    await worker.stop();
    expect(finished).toBe(true);
    // The slow job completed (and was removed); the later one waits, unlocked, for the next worker.
    expect(await jobs()).toEqual([{ task_identifier: 'test:later', attempts: 0, locked_at: null, last_error: null }]);
    expect(await metricsRegistry.getSingleMetricAsString('wrk_backlog')).not.toContain('source="worker"');
    await db.query('DELETE FROM graphile_worker._private_jobs');
  });

  it('aborts a job that outlives WRK_SHUTDOWN_TIMEOUT and releases it to be retried', async () => {
    process.env.WRK_SHUTDOWN_TIMEOUT = '300';
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const worker = await startWorker({
      databaseUrl: database.url,
      pollIntervalMs: 100,
      tasks: {
        'test:endless': async (_payload, helpers) => {
          started();
          await new Promise<void>((_resolve, reject) => {
            helpers.abortSignal?.addEventListener('abort', () => reject(new Error('aborted: the worker is stopping')));
          });
        },
      },
    });
    await worker.addJob('test:endless');
    await running;
    await worker.stop();
    const [job] = await jobs();
    expect(job).toMatchObject({ task_identifier: 'test:endless', attempts: 1, locked_at: null });
    expect(job?.last_error).toContain('aborted: the worker is stopping');
  });
});
