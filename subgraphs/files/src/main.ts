import { databaseUrlFromEnv, startSubgraph, startTracing, stopOnSignals } from '@wrk/platform';
import { serviceKeyring } from '@wrk/catalog/keys';
import { ownerUrlsFromEnv } from '@wrk/catalog/owners';
import { createFilesDb } from './db.ts';
import { filesSubgraph } from './subgraph.ts';
import { boxWebhookKeys } from './box/webhookKeys.ts';
import { createBoxWebhookDb } from './box/webhookEvents.ts';

// First: a process without its key refuses to start before it opens anything.
const keyring = serviceKeyring('files');
// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (README, "Tracing").
await startTracing('files');
const db = createFilesDb(databaseUrlFromEnv());
const boxWebhookDb = createBoxWebhookDb(databaseUrlFromEnv());
const server = await startSubgraph(filesSubgraph(db, ownerUrlsFromEnv(), { boxWebhookKeys: boxWebhookKeys(), boxWebhookDb }), {
  keyring,
  port: Number(process.env.PORT ?? 4003),
  host: process.env.HOST ?? '127.0.0.1',
  onStop: async () => {
    await Promise.all([db.$disconnect(), boxWebhookDb.$disconnect()]);
  },
});
// SIGTERM/SIGINT: readiness 503, in-flight requests finish (WRK_SHUTDOWN_TIMEOUT), the pool closes, exit 0.
stopOnSignals(() => server.stop());
