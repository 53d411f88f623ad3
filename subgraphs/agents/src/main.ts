import { databaseUrlFromEnv, startSubgraph } from '@wrk/platform';
import { ownerUrlsFromEnv } from '@wrk/catalog/owners';
import { createAgentsDb } from './db.ts';
import { agentsSubgraph } from './subgraph.ts';

const db = createAgentsDb(databaseUrlFromEnv());
await startSubgraph(agentsSubgraph(db, ownerUrlsFromEnv()), {
  port: Number(process.env.PORT ?? 4004),
  host: process.env.HOST ?? '127.0.0.1',
  onStop: () => db.$disconnect(),
});
