import { databaseUrlFromEnv, startSubgraph } from '@wrk/platform';
import { ownerUrlsFromEnv } from '@wrk/catalog/owners';
import { createFilesDb } from './db.ts';
import { filesSubgraph } from './subgraph.ts';

const db = createFilesDb(databaseUrlFromEnv());
await startSubgraph(filesSubgraph(db, ownerUrlsFromEnv()), {
  port: Number(process.env.PORT ?? 4003),
  host: process.env.HOST ?? '127.0.0.1',
  onStop: () => db.$disconnect(),
});
