// Hive Gateway's own CLI serving WRK with the claims plugin, configured as WRK's gateway is (gateway/src/main.ts):
//   DATABASE_URL=… WRK_KEYS_DIR=… IDENTITY_URL=… CORE_URL=… FILES_URL=… AGENTS_URL=… \
//   node --import tsx node_modules/@graphql-hive/gateway/dist/bin.js supergraph supergraph.graphql \
//     -c gateway/src/hive/gateway.config.ts -p 4000
import { defineConfig } from '@graphql-hive/gateway';
import { ownerUrlsFromEnv } from '@wrk/catalog/owners';
import { serviceKeyring } from '@wrk/catalog/keys';
import { callerAuthentication } from '../authentication.ts';
import { committedSupergraph } from '../compose.ts';
import { useWrkClaims } from './claimsPlugin.ts';
import { transportEntriesFor } from './server.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL must be set: the gateway keeps its rate-limit counters in Postgres');
const subgraphUrls = ownerUrlsFromEnv();
const keyring = serviceKeyring('gateway');

export const gatewayConfig = defineConfig({
  transportEntries: transportEntriesFor(subgraphUrls),
  plugins: () => [
    useWrkClaims({
      ...callerAuthentication({ identityUrl: subgraphUrls.identity, keyring, databaseUrl }),
      keyring,
      subgraphUrls,
      supergraphSdl: committedSupergraph(),
    }),
  ],
  graphqlEndpoint: '/graphql',
  healthCheckEndpoint: '/health',
  readinessCheckEndpoint: '/ready',
  landingPage: false,
  graphiql: false,
});
