import cluster from 'node:cluster';
import { ownerUrlsFromEnv } from '@wrk/catalog/owners';
import { serviceKeyring } from '@wrk/catalog/keys';
import { logger, startTracing, stopOnSignals } from '@wrk/platform';
import { committedSupergraph } from './compose.ts';
import { startGateway } from './server.ts';
import { gatewayWorkersFromEnv, labelWorkerMetrics, superviseWorkers } from './cluster.ts';

// Production shape: the gateway alone, in front of subgraphs running as their own processes.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL must be set: the gateway keeps its rate-limit counters in Postgres');

async function runGateway(url: string) {
  labelWorkerMetrics();
  // Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (README, "Tracing").
  await startTracing('gateway');
  const gateway = await startGateway({
    supergraphSdl: committedSupergraph(),
    subgraphUrls: ownerUrlsFromEnv(),
    keyring: serviceKeyring('gateway'),
    databaseUrl: url,
    port: Number(process.env.PORT ?? 4000),
    host: process.env.HOST ?? '127.0.0.1',
  });
  if (cluster.worker) logger.info({ worker: cluster.worker.id, pid: process.pid }, 'gateway worker listening');
  else console.log(`WRK gateway: ${gateway.url}`);
  // SIGTERM/SIGINT: readiness 503, in-flight requests finish (WRK_SHUTDOWN_TIMEOUT), pools close, exit 0.
  stopOnSignals(() => gateway.stop());
}

// WRK_GATEWAY_WORKERS > 1: this process supervises that many workers on the same port (cluster.ts).
const workers = gatewayWorkersFromEnv();
if (workers > 1 && cluster.isPrimary) superviseWorkers(workers);
else await runGateway(databaseUrl);
