import cluster, { type Worker } from 'node:cluster';
import { logger, metricsRegistry, numberFromEnv, shutdownTimeoutMs } from '@wrk/platform';

/** Gateway worker processes sharing one port (WRK_GATEWAY_WORKERS); 1 runs the gateway in this process. */
export const gatewayWorkersFromEnv = (env: NodeJS.ProcessEnv = process.env) => numberFromEnv(env, 'WRK_GATEWAY_WORKERS', 1);

/** A worker that dies sooner than this after it started is restarted after a pause, so a crash loop does not spin. */
const STARTUP_MS = 5_000;
const RESTART_PAUSE_MS = 1_000;

/**
 * The primary of a gateway with several workers: forks them (each runs the whole gateway and listens on the same port;
 * the primary hands out connections), starts another when one dies, and on SIGTERM/SIGINT passes the signal on, waits
 * for every worker's graceful stop (each drains as a single gateway does) and exits 0 — 1 when a worker failed to stop
 * cleanly or they all outlived the shutdown deadline.
 */
export function superviseWorkers(count: number, deadlineMs = shutdownTimeoutMs()): void {
  const startedAt = new WeakMap<Worker, number>();
  let stopping = false;
  let failedStop = false;

  const fork = () => startedAt.set(cluster.fork(), Date.now());
  const running = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
  const finishIfDone = () => {
    if (running().length > 0) return;
    logger.info({ failedStop }, 'gateway workers stopped');
    process.exit(failedStop ? 1 : 0);
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0) failedStop = true;
      return finishIfDone();
    }
    const quick = Date.now() - (startedAt.get(worker) ?? 0) < STARTUP_MS;
    logger.error({ worker: worker.id, pid: worker.process.pid, code, signal }, 'gateway worker exited: starting another');
    setTimeout(fork, quick ? RESTART_PAUSE_MS : 0);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: running().length }, 'shutting down gateway workers');
    for (const worker of running()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      logger.error({ deadlineMs }, 'gateway workers did not stop in time; killing them');
      for (const worker of running()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, deadlineMs + 5_000).unref();
    finishIfDone();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  for (let i = 0; i < count; i += 1) fork();
  logger.info({ workers: count, pid: process.pid }, 'gateway primary started');
}

/** In a worker: its metrics carry a `worker` label, since each scrape of the shared port reaches one worker. */
export function labelWorkerMetrics(): void {
  if (cluster.worker) metricsRegistry.setDefaultLabels({ worker: String(cluster.worker.id) });
}
