// pnpm db:migrate: apply pending migrations to DATABASE_URL, else to the embedded dev database (the one a
// running `pnpm start` announced, or .data/postgres started for the occasion).
import { openDevDatabase } from '@wrk/devdb';
import { migrate } from '../migrate.ts';

const started = Date.now();
const db = await openDevDatabase().catch((error: unknown) => {
  console.error(`cannot reach the database: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exit(1);
});
try {
  const { applied } = await migrate(db.url, { log: console.log });
  console.log(`${applied.length} migration(s) applied in ${Date.now() - started} ms`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1; // not process.exit(): the embedded server must still be stopped
} finally {
  await db.close();
}
