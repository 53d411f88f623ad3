// Committed migrations vs. Prisma schemas, on a scratch database (DATABASE_URL's server, or an embedded Postgres).
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createScratchDatabase, testDatabaseServer } from '@wrk/devdb';
import { SLICES, diffSchemaToSql, migrate, readMigrations, schemaPath } from '@wrk/migrate';

const SLOW = 120_000;
let server: Awaited<ReturnType<typeof testDatabaseServer>> | undefined;
const scratch: Array<{ url: string; drop(): Promise<void> }> = [];

async function scratchDb(): Promise<string> {
  server ??= await testDatabaseServer();
  const db = await createScratchDatabase(server.url);
  scratch.push(db);
  return db.url;
}

afterAll(async () => {
  for (const db of scratch) await db.drop();
  await server?.stop();
}, SLOW);

async function allMigrationNames(): Promise<string[]> {
  const perSlice = await Promise.all(
    SLICES.map(async (slice) => (await readMigrations(slice)).map((migration) => `${slice}/${migration.name}`)),
  );
  return perSlice.flat();
}

describe('migrations', () => {
  let url: string;

  test(
    'migrate applies every committed migration of every slice',
    async () => {
      url = await scratchDb();
      const expected = await allMigrationNames();
      for (const slice of SLICES) expect(expected.some((name) => name.startsWith(`${slice}/`))).toBe(true);
      expect((await migrate(url)).applied).toEqual(expected);
    },
    SLOW,
  );

  test.each(SLICES)(
    'no drift between the %s migrations and its schema.prisma',
    async (slice) => {
      expect(await diffSchemaToSql(slice, { kind: 'database', url })).toBe('');
    },
    SLOW,
  );

  test(
    'a second migrate applies nothing',
    async () => {
      expect((await migrate(url)).applied).toEqual([]);
    },
    SLOW,
  );

  test(
    'an applied migration whose checksum changed is refused',
    async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(
          `UPDATE identity._wrk_migrations SET checksum = 'tampered' WHERE name = (SELECT min(name) FROM identity._wrk_migrations)`,
        );
      } finally {
        await client.end();
      }
      await expect(migrate(url)).rejects.toThrow(/identity: applied migration\(s\) changed on disk/);
    },
    SLOW,
  );

  test(
    'two concurrent runners apply each migration exactly once',
    async () => {
      const fresh = await scratchDb();
      const [a, b] = await Promise.all([migrate(fresh), migrate(fresh)]);
      expect([...a.applied, ...b.applied].sort()).toEqual((await allMigrationNames()).sort());
    },
    SLOW,
  );

  test(
    'the drift check sees a model that has no migration',
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'wrk-drift-'));
      try {
        await mkdir(join(root, 'prisma', 'identity'), { recursive: true });
        const schema = await readFile(schemaPath('identity'), 'utf8');
        const extra = '\nmodel DriftProbe {\n  id Int @id\n  @@map("drift_probe")\n  @@schema("identity")\n}\n';
        await writeFile(schemaPath('identity', root), schema + extra);
        const sql = await diffSchemaToSql('identity', { kind: 'database', url }, { root });
        expect(sql).toContain('CREATE TABLE "identity"."drift_probe"');
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
