import { databaseUrlFromEnv, startSubgraph } from '@wrk/platform';
import { createCoreDb } from './db.ts';
import { ownerUrlsFromEnv } from '@wrk/catalog/owners';
import { coreSubgraph } from './subgraph.ts';

const db = createCoreDb(databaseUrlFromEnv());
await startSubgraph(coreSubgraph(db, ownerUrlsFromEnv()), {
  port: Number(process.env.PORT ?? 4002),
  host: process.env.HOST ?? '127.0.0.1',
  onStop: () => db.$disconnect(),
});
