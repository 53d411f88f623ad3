import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS_TABLE, REPO_ROOT, SLICES, migrationsDir, type Slice } from './paths.ts';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

/** `prisma/<slice>/migrations/<dir>/migration.sql`, sorted by directory name. */
export async function readMigrations(slice: Slice, root = REPO_ROOT): Promise<MigrationFile[]> {
  const dir = migrationsDir(slice, root);
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksum(sql) };
    }),
  );
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
// Fixed first key of the two-key advisory lock; the second key is the slice's hash.
const LOCK_NAMESPACE = 0x77726b; // "wrk"

/**
 * Applies the not yet applied `migration.sql` files of every slice, each in its own transaction together with
 * its row in `<slice>._wrk_migrations`. A per-slice advisory lock serialises concurrent runners.
 */
export async function migrate(
  databaseUrl: string,
  options: { slices?: readonly Slice[]; root?: string; log?: (line: string) => void } = {},
): Promise<{ applied: string[] }> {
  const { slices = SLICES, root = REPO_ROOT, log = () => {} } = options;
  const applied: string[] = [];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const slice of slices) {
      const files = await readMigrations(slice, root);
      const schema = quote(slice);
      const table = `${schema}.${quote(MIGRATIONS_TABLE)}`;
      // Session-level lock, taken before CREATE SCHEMA IF NOT EXISTS, which itself is not race-free.
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_NAMESPACE, slice]);
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${table} (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
        const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${table}`);
        const done = new Map(rows.map((row) => [row.name, row.checksum]));
        const changed = files.filter((file) => done.has(file.name) && done.get(file.name) !== file.checksum);
        if (changed.length > 0) {
          throw new Error(
            `${slice}: applied migration(s) changed on disk: ${changed.map((file) => file.name).join(', ')}. ` +
              'Never edit an applied migration; add a new one (pnpm db:migration <slice> <name>).',
          );
        }
        for (const file of files.filter((file) => !done.has(file.name))) {
          await client.query('BEGIN');
          try {
            // Unqualified names in hand-written SQL resolve to the slice's schema.
            await client.query(`SET LOCAL search_path TO ${schema}`);
            await client.query(file.sql);
            await client.query(`INSERT INTO ${table} (name, checksum) VALUES ($1, $2)`, [file.name, file.checksum]);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => {});
            throw new Error(`${slice}: migration ${file.name} failed: ${error instanceof Error ? error.message : String(error)}`, {
              cause: error,
            });
          }
          applied.push(`${slice}/${file.name}`);
          log(`applied ${slice}/${file.name}`);
        }
      } finally {
        // If the connection broke, the session (and the lock) is gone anyway: keep the original error.
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_NAMESPACE, slice]).catch(() => {});
      }
    }
  } finally {
    await client.end();
  }
  return { applied };
}
