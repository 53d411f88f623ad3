import { PrismaPg } from '@prisma/adapter-pg';

/** SQL statements sent by every Prisma client of this process; benchmarks and tests read it around a request. */
export const sqlStatements = { count: 0 };

interface QueryEventEmitter {
  $on(event: 'query', listener: () => void): void;
}

type PrismaClientClass<T> = new (options: { adapter: PrismaPg; log: { emit: 'event'; level: 'query' }[] }) => T;

/** A slice's generated Prisma client over node-postgres, counting the statements it sends. */
export function createPrismaClient<T>(PrismaClient: PrismaClientClass<T>, databaseUrl: string, poolSize = 5): T {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  (client as unknown as QueryEventEmitter).$on('query', () => {
    sqlStatements.count += 1;
  });
  return client;
}

export function databaseUrlFromEnv(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  return url;
}
