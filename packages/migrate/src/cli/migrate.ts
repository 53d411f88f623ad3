// pnpm db:migrate: apply pending migrations to DATABASE_URL, or to the embedded dev database in .data/postgres
// (the one `pnpm start` uses; it must not be running at the same time).
import { startEmbeddedPostgres } from '@wrk/devdb';
import { devDataDir } from '../paths.ts';
import { migrate } from '../migrate.ts';

const started = Date.now();
const fromEnv = process.env.DATABASE_URL;
const db = fromEnv ? { url: fromEnv, stop: async () => {} } : await startEmbeddedPostgres({ dataDir: devDataDir() });
try {
  const { applied } = await migrate(db.url, { log: console.log });
  console.log(`${applied.length} migration(s) applied in ${Date.now() - started} ms`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1; // not process.exit(): the embedded server must still be stopped
} finally {
  await db.stop();
}
