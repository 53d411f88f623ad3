import { channel } from 'node:diagnostics_channel';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { watchPool } from './metrics.ts';
import { logThrottled, postgresTimeouts } from './resilience.ts';

/**
 * Every Prisma client this process creates is published here when someone listens (tests and benchmarks count
 * its SQL statements through Prisma's query events); with no subscriber, clients emit no query events at all.
 */
export const prismaClientChannel = channel('wrk:prisma-client');

type PrismaClientClass<T> = new (options: { adapter: PrismaPg; log?: { emit: 'event'; level: 'query' }[] }) => T;

/**
 * Settings of a client's own connections: every statement's time limit, the name Postgres shows them by, and
 * server settings for the session (sent when each connection opens, so they cost no statement per query).
 */
export interface ConnectionSettings {
  statementTimeoutMs?: number;
  applicationName?: string;
  sessionSettings?: Record<string, string>;
}

const startupOptions = (settings: Record<string, string>) =>
  Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');

/**
 * A slice's generated Prisma client over a node-postgres pool of our own, whose usage /metrics reports as
 * `wrk_db_pool_connections{pool=<name>}`; `$disconnect` ends the pool.
 */
export function createPrismaClient<T>(
  PrismaClient: PrismaClientClass<T>,
  databaseUrl: string,
  name: string,
  poolSize = 5,
  settings: ConnectionSettings = {},
): T {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    ...postgresTimeouts(),
    // Sent when each connection opens: no statement of its own per transaction.
    ...(settings.statementTimeoutMs
      ? { statement_timeout: settings.statementTimeoutMs, query_timeout: settings.statementTimeoutMs + 1_000 }
      : {}),
    ...(settings.applicationName ? { application_name: settings.applicationName } : {}),
    ...(settings.sessionSettings ? { options: startupOptions(settings.sessionSettings) } : {}),
  });
  watchPool(name, pool);
  // A connection cut by the server (Postgres stopping) is an 'error' event on its client, idle or checked out. The
  // adapter hears it only on idle clients and inside transactions: anywhere else, unheard, it ends the process.
  // The pool drops the broken client when it is released; the statement that used it fails as unavailable.
  const connectionLost = (error: Error) =>
    logThrottled('warn', `${name} pool: ${error.message}`, { dependency: 'postgres' }, 'database connection lost');
  pool.on('error', connectionLost);
  pool.on('connect', (client) => client.on('error', connectionLost));
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  if (!prismaClientChannel.hasSubscribers) return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  prismaClientChannel.publish(client);
  return client;
}

export function databaseUrlFromEnv(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  return url;
}

/**
 * Options for a long interactive transaction (seeding the demo organisation): Prisma's 5-s default is exceeded on a
 * loaded machine, and a seed that half-fails leaves a stack without its demo data.
 */
export const LONG_TRANSACTION = { timeout: 60_000, maxWait: 30_000 } as const;
