/**
 * Hive Gateway as a process of its own for `pnpm bench`, started as the WRK gateway's gateway/src/main.ts is: the
 * committed supergraph, subgraph URLs from IDENTITY_URL…, the gateway's keyring from WRK_KEYS_DIR, rate limits and
 * session cache from the same environment, PORT.
 */
import { ownerUrlsFromEnv } from '@wrk/catalog/owners';
import { serviceKeyring } from '@wrk/catalog/keys';
import { stopOnSignals } from '@wrk/platform';
import { committedSupergraph } from '@wrk/gateway/compose';
import { startHiveGateway } from '@wrk/gateway/hive/server';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL must be set');
const gateway = await startHiveGateway({
  supergraphSdl: committedSupergraph(),
  subgraphUrls: ownerUrlsFromEnv(),
  keyring: serviceKeyring('gateway'),
  databaseUrl,
  port: Number(process.env.PORT ?? 4100),
  host: process.env.HOST ?? '127.0.0.1',
});
console.log(`Hive Gateway: ${gateway.url}`);
stopOnSignals(() => gateway.stop());
