import pg from 'pg';
import { Logger, run, runMigrations, type LogLevel, type Runner, type Task, type TaskList, type TaskSpec } from 'graphile-worker';
import {
  DELIVER_EVENT_TASK,
  OUTBOX_CHANNEL,
  deliverEvent,
  logger,
  readOutboundEvent,
  recordDeliveryAttempt,
  relayOutbox,
  shutdownTimeoutMs,
  timeoutsFromEnv,
  watchBacklog,
  watchPool,
} from '@wrk/platform';

/**
 * The background worker of WRK: a graphile-worker runner (its queue lives in the `graphile_worker` schema of
 * the same database, migrated by graphile-worker itself) plus the outbox relay that feeds it.
 *
 * The relay runs when a committed write notifies OUTBOX_CHANNEL (LISTEN on a connection of its own) and on
 * a short poll, which also catches whatever was written while no worker ran or the listening connection was
 * down. Relay passes never overlap within a process; across processes FOR UPDATE SKIP LOCKED keeps them apart.
 */
export interface WorkerOptions {
  databaseUrl: string;
  /** Webhook every outbound event is POSTed to; default WRK_EVENT_SINK_URL, none when unset. */
  sinkUrl?: string;
  /** Jobs run at once (default 2). */
  concurrency?: number;
  /** How often graphile-worker looks for jobs due later, i.e. retries (ms, default 1000). */
  pollIntervalMs?: number;
  /** How often the relay runs without a notification (ms, default 5000). */
  relayIntervalMs?: number;
  /** More tasks, registered by the application (e.g. files' Box sync jobs, agents' abandon job). */
  tasks?: TaskList;
  /** graphile-worker crontab lines for those tasks (e.g. files' Box webhook sweep, agents' abandon job). */
  crontab?: string[];
}

export interface RunningWorker {
  /** Runs a relay pass now (and waits for it); returns how many events it handed to the queue. */
  relayNow(): Promise<number>;
  /** Queues a job of one of the tasks. */
  addJob(task: string, payload?: unknown, spec?: TaskSpec): Promise<void>;
  stop(): Promise<void>;
}

const workerLogger = logger.child({ component: 'worker' });

const PINO_LEVEL: Partial<Record<string, 'error' | 'warn'>> = { error: 'error', warning: 'warn' };

/** graphile-worker's log lines through pino; its chatty `info` lines become `debug`. */
const graphileLogger = new Logger(() => (level: LogLevel, message: string, meta?: unknown) => {
  const fields = meta && typeof meta === 'object' ? { meta } : {};
  workerLogger[PINO_LEVEL[level] ?? 'debug'](fields, message);
});

/** Creates or updates graphile-worker's schema (idempotent). */
export async function migrateQueue(databaseUrl: string): Promise<void> {
  await runMigrations({ connectionString: databaseUrl, logger: graphileLogger });
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- graphile-worker types task payloads through this namespace
  namespace GraphileWorker {
    interface Tasks {
      /** The payload relayOutbox (platform/outbox.ts) enqueues for each event. */
      [DELIVER_EVENT_TASK]: { eventId: string };
    }
  }
}

/** The delivery task: reads the event, hands it to the sinks, notes the attempt on the event row. */
export function deliverEventTask(sinkUrl: string | undefined): Task<typeof DELIVER_EVENT_TASK> {
  return async (payload, helpers) => {
    const { eventId } = payload;
    const event = await helpers.withPgClient((client) => readOutboundEvent(client, eventId));
    if (!event) {
      helpers.logger.warn(`outbound event ${eventId} not found; nothing to deliver`);
      return;
    }
    try {
      await deliverEvent(event, { webhookUrl: sinkUrl, signal: helpers.abortSignal });
    } catch (error) {
      await helpers.withPgClient((client) => recordDeliveryAttempt(client, eventId, error));
      throw error;
    }
    await helpers.withPgClient((client) => recordDeliveryAttempt(client, eventId, null));
  };
}

/**
 * The backlogs /metrics reports on the process running the worker (`wrk_backlog{source="worker"}`): outbound events
 * not yet handed to the queue and the age of the oldest, and the queue's jobs by state. One statement, at most 2 s.
 */
async function backlog(pool: pg.Pool): Promise<Record<string, number>> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL statement_timeout = 2000');
    const { rows } = await client.query<Record<string, number>>(`SELECT
      (SELECT count(*) FROM platform.integration_events WHERE direction = 'outbound' AND delivered_at IS NULL)::float8 AS outbox_pending,
      COALESCE((SELECT extract(epoch FROM now() - min(created_at)) FROM platform.integration_events
                 WHERE direction = 'outbound' AND delivered_at IS NULL), 0)::float8 AS outbox_lag_seconds,
      (SELECT count(*) FROM graphile_worker.jobs WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts)::float8 AS queue_ready,
      (SELECT count(*) FROM graphile_worker.jobs WHERE locked_at IS NULL AND run_at > now() AND attempts < max_attempts)::float8 AS queue_scheduled,
      (SELECT count(*) FROM graphile_worker.jobs WHERE locked_at IS NOT NULL)::float8 AS queue_running,
      (SELECT count(*) FROM graphile_worker.jobs WHERE attempts >= max_attempts)::float8 AS queue_failed`);
    await client.query('COMMIT');
    return rows[0] ?? {};
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const concurrency = options.concurrency ?? 2;
  const sinkUrl = options.sinkUrl ?? (process.env.WRK_EVENT_SINK_URL || undefined);
  // graphile-worker's jobs and listener, plus one relay pass at a time.
  // A connect timeout, not a statement timeout: a job's statements may rightly run long, a connection may not hang.
  const connect = { connectionString: options.databaseUrl, connectionTimeoutMillis: timeoutsFromEnv().connectMs };
  const pool = new pg.Pool({ ...connect, max: concurrency + 2 });
  let stopping = false;
  // graphile-worker insists on both handlers: an idle client's error, and a checked-out client's. Once
  // stopping, a connection cut while it closes (the database stopping right after us) is no news.
  const connectionFailed = (error: Error) => {
    if (!stopping)
      workerLogger.warn({ err: { message: error.message, code: 'code' in error ? error.code : undefined } }, 'worker connection failed');
  };
  pool.on('error', connectionFailed);
  pool.on('connect', (client) => client.on('error', connectionFailed));
  watchPool('worker', pool);

  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency,
      pollInterval: options.pollIntervalMs ?? 1000,
      noHandleSignals: true,
      preset: {
        worker: {
          // On stop, running jobs get this long to finish before their abort signal fires (then they are released).
          gracefulShutdownAbortTimeout: shutdownTimeoutMs(),
          // Through the batchers, whose release on stop waits for the last completions and failures to be written:
          // unbatched, they are not awaited, and a job that finished during the stop stayed locked (seen in the test).
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
        },
      },
      logger: graphileLogger,
      taskList: { ...options.tasks, [DELIVER_EVENT_TASK]: deliverEventTask(sinkUrl) },
      crontab: options.crontab?.join('\n'),
    });
  } catch (error) {
    await pool.end();
    throw error;
  }

  let running: Promise<number> | null = null;
  let again = false;

  /** One relay at a time: a request during a pass makes one more pass after it. */
  const relayNow = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await relayOutbox(pool);
      } while (again && !stopping);
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const relaySoon = () => {
    if (stopping) return;
    relayNow().catch((error: unknown) => workerLogger.warn({ err: error }, 'outbox relay failed; retrying on the next poll'));
  };

  // LISTEN on a connection of its own, reconnecting after a failure (the poll covers the gap).
  let listener: pg.Client | null = null;
  let reconnect: NodeJS.Timeout | undefined;
  const listen = async () => {
    if (stopping) return;
    const client = new pg.Client(connect);
    client.on('notification', relaySoon);
    client.on('error', (error) => {
      if (!stopping) workerLogger.warn({ err: { message: error.message } }, 'outbox listener lost its connection');
      void client.end().catch(() => undefined);
      if (listener === client) listener = null;
      if (!stopping) reconnect = setTimeout(() => void listen(), 1000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      listener = client;
      relaySoon(); // whatever was committed before we listened
    } catch (error) {
      workerLogger.warn({ err: error }, 'outbox listener could not connect');
      await client.end().catch(() => undefined);
      if (!stopping) reconnect = setTimeout(() => void listen(), 1000);
    }
  };
  await listen();
  const poll = setInterval(relaySoon, options.relayIntervalMs ?? 5000);
  poll.unref();
  const unwatchBacklog = watchBacklog('worker', () => backlog(pool));

  return {
    relayNow,
    async addJob(task, payload, spec) {
      await runner.addJob(task, payload, spec);
    },
    async stop() {
      stopping = true;
      unwatchBacklog();
      clearInterval(poll);
      clearTimeout(reconnect);
      await listener?.end().catch(() => undefined);
      await running?.catch(() => undefined);
      await runner.stop();
      await pool.end().catch(() => undefined);
    },
  };
}
