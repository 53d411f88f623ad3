import { databaseUrlFromEnv, startSubgraph } from '@wrk/platform';
import { createIdentityDb } from './db.ts';
import { identitySubgraph } from './subgraph.ts';

const db = createIdentityDb(databaseUrlFromEnv());
await startSubgraph(identitySubgraph(db), {
  port: Number(process.env.PORT ?? 4001),
  host: process.env.HOST ?? '127.0.0.1',
  onStop: () => db.$disconnect(),
});
