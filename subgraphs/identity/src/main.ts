import { databaseUrlFromEnv, startSubgraph, startTracing, stopOnSignals } from '@wrk/platform';
import { serviceKeyring } from '@wrk/catalog/keys';
import { createIdentityDb } from './db.ts';
import { identitySubgraph } from './subgraph.ts';
import { ownerUrlsFromEnv } from '@wrk/catalog/owners';

// First: a process without its key refuses to start before it opens anything.
const keyring = serviceKeyring('identity');
// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (README, "Tracing").
await startTracing('identity');
const db = createIdentityDb(databaseUrlFromEnv());
const server = await startSubgraph(identitySubgraph(db, ownerUrlsFromEnv()), {
  keyring,
  port: Number(process.env.PORT ?? 4001),
  host: process.env.HOST ?? '127.0.0.1',
  onStop: () => db.$disconnect(),
});
// SIGTERM/SIGINT: readiness 503, in-flight requests finish (WRK_SHUTDOWN_TIMEOUT), the pool closes, exit 0.
stopOnSignals(() => server.stop());
