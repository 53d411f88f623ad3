import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createScratchDatabase, testDatabaseServer } from '@wrk/devdb';
import { diffSchemaToSql } from './diff.ts';
import { migrate, readMigrations } from './migrate.ts';
import { REPO_ROOT, constraintsPath, migrationsDir, type Slice } from './paths.ts';

const timestamp = (date: Date) => date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS, UTC

/**
 * Writes `prisma/<slice>/migrations/<timestamp>_<name>/migration.sql` with the SQL that takes a database holding
 * the slice's committed migrations to `schema.prisma`. The committed migrations are replayed into a scratch
 * database on `DATABASE_URL`'s server, or on a throwaway embedded Postgres when it is unset.
 * The slice's first migration also gets `prisma/<slice>/constraints.sql` (hand-written SQL) appended.
 * Returns the file written, or undefined when the schema has no changes.
 */
export async function newMigration(slice: Slice, name: string, options: { root?: string; now?: Date } = {}): Promise<string | undefined> {
  const root = options.root ?? REPO_ROOT;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`migration name must match [a-z0-9_]+, got "${name}"`);
  const existing = await readMigrations(slice, root);

  const server = await testDatabaseServer();
  let sql: string;
  try {
    const scratch = await createScratchDatabase(server.url);
    try {
      await migrate(scratch.url, { slices: [slice], root });
      sql = await diffSchemaToSql(slice, { kind: 'database', url: scratch.url }, { root });
    } finally {
      await scratch.drop();
    }
  } finally {
    await server.stop();
  }
  if (!sql) return undefined;

  const constraints = constraintsPath(slice, root);
  if (existing.length === 0 && existsSync(constraints)) {
    sql += handWrittenBlock(`prisma/${slice}/constraints.sql`, await readFile(constraints, 'utf8'));
  }
  const dir = join(migrationsDir(slice, root), `${timestamp(options.now ?? new Date())}_${name}`);
  if (existing.some((migration) => dir.endsWith(migration.name))) throw new Error(`${dir} already exists`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'migration.sql');
  await writeFile(file, sql);
  return file;
}

/** Hand-written SQL (CHECK constraints, partial indexes…) that Prisma cannot express, appended verbatim. */
export function handWrittenBlock(source: string, sql: string): string {
  return [
    '',
    `-- ==== BEGIN hand-written SQL, copied verbatim from ${source} ====`,
    '-- Prisma does not model these; the drift test checks they do not show up as drift.',
    sql.trimEnd(),
    `-- ==== END hand-written SQL from ${source} ====`,
    '',
  ].join('\n');
}
