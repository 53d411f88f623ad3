import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, startEmbeddedPostgres } from '@wrk/devdb';

export interface TestDatabase {
  kind: 'postgres' | 'embedded';
  url: string;
  release(): Promise<void>;
}

/** The database servers the end-to-end suites run on: real Postgres when DATABASE_URL is set, and always the embedded one. */
export function databaseKinds(): TestDatabase['kind'][] {
  return process.env.DATABASE_URL ? ['postgres', 'embedded'] : ['embedded'];
}

/** A fresh, empty database on a server of the given kind. */
export async function freshDatabase(kind: TestDatabase['kind']): Promise<TestDatabase> {
  if (kind === 'postgres') {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!);
    return { kind, url: scratch.url, release: scratch.drop };
  }
  const server = await startEmbeddedPostgres({ dataDir: await mkdtemp(join(tmpdir(), 'wrk-e2e-pg-')), deleteOnStop: true });
  return { kind, url: server.url, release: server.stop };
}
