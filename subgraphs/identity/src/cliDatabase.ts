import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startEmbeddedPostgres } from '@wrk/devdb';

const repoRoot = resolve(new URL('../../../', import.meta.url).pathname);
export const RUNNING_DATABASE_FILE = resolve(repoRoot, '.data/database-url');

/** DATABASE_URL; else the embedded database a running `pnpm start` announced; else the embedded one, started here. */
export async function openCliDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, close: async () => {} };
  if (existsSync(RUNNING_DATABASE_FILE)) {
    return { url: readFileSync(RUNNING_DATABASE_FILE, 'utf8').trim(), close: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: resolve(repoRoot, '.data/postgres') });
  return { url: embedded.url, close: embedded.stop };
}
