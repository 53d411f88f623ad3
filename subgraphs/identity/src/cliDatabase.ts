import { openDevDatabase } from '@wrk/devdb';
import { migrate } from '@wrk/migrate';
import { createIdentityDb } from './db.ts';
import { seedIdentity } from './seed.ts';

/** The database `pnpm wrk` works on; an embedded one it had to start is brought up to date first, as `pnpm start` would. */
export async function openCliDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  const database = await openDevDatabase();
  if (database.startedHere) {
    await migrate(database.url);
    const db = createIdentityDb(database.url);
    await seedIdentity(db).finally(() => db.$disconnect());
  }
  return database;
}
