import { channel } from 'node:diagnostics_channel';
import { PrismaPg } from '@prisma/adapter-pg';
import { postgresTimeouts } from './resilience.ts';

/**
 * Every Prisma client this process creates is published here when someone listens (tests and benchmarks count
 * its SQL statements through Prisma's query events); with no subscriber, clients emit no query events at all.
 */
export const prismaClientChannel = channel('wrk:prisma-client');

type PrismaClientClass<T> = new (options: { adapter: PrismaPg; log?: { emit: 'event'; level: 'query' }[] }) => T;

/** A slice's generated Prisma client over node-postgres, its statements and connections bounded in time (resilience.ts). */
export function createPrismaClient<T>(PrismaClient: PrismaClientClass<T>, databaseUrl: string, poolSize = 5): T {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize, ...postgresTimeouts() });
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
