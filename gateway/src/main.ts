import { ownerUrlsFromEnv } from '@wrk/catalog/owners';
import { serviceKeyring } from '@wrk/catalog/keys';
import { startTracing, stopOnSignals } from '@wrk/platform';
import { committedSupergraph } from './compose.ts';
import { startGateway } from './server.ts';

// Production shape: the gateway alone, in front of subgraphs running as their own processes.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL must be set: the gateway keeps its rate-limit counters in Postgres');
// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (README, "Tracing").
await startTracing('gateway');
const gateway = await startGateway({
  supergraphSdl: committedSupergraph(),
  subgraphUrls: ownerUrlsFromEnv(),
  keyring: serviceKeyring('gateway'),
  databaseUrl,
  port: Number(process.env.PORT ?? 4000),
  host: process.env.HOST ?? '127.0.0.1',
});
console.log(`WRK gateway: ${gateway.url}`);
// SIGTERM/SIGINT: readiness 503, in-flight requests finish (WRK_SHUTDOWN_TIMEOUT), pools close, exit 0.
stopOnSignals(() => gateway.stop());
