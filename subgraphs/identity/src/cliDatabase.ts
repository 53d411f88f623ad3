import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '@wrk/devdb';
import { migrate } from '@wrk/migrate';
import { createIdentityDb } from './db.ts';
import { seedIdentity } from './seed.ts';

const repoRoot = resolve(new URL('../../../', import.meta.url).pathname);
export const RUNNING_DATABASE_FILE = resolve(repoRoot, '.data/database-url');

/** DATABASE_URL; else the embedded database a running `pnpm start` announced; else the embedded one, started here. */
export async function openCliDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, close: async () => {} };
  if (existsSync(RUNNING_DATABASE_FILE)) {
    const url = readFileSync(RUNNING_DATABASE_FILE, 'utf8').trim();
    // The file outlives a `pnpm start` that was killed: use it only if that database still answers.
    if (await answers(url)) return { url, close: async () => {} };
  }
  // No stack running: the embedded dev database itself, brought up to date (as `pnpm start` would).
  const embedded = await startEmbeddedPostgres({ dataDir: resolve(repoRoot, '.data/postgres') });
  await migrate(embedded.url);
  const db = createIdentityDb(embedded.url);
  await seedIdentity(db).finally(() => db.$disconnect());
  return { url: embedded.url, close: embedded.stop };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
