import { createPrismaClient } from '@wrk/platform';
import { PrismaClient } from './__generated__/prisma/client.ts';

export type CoreDb = PrismaClient;
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export const createCoreDb = (databaseUrl: string): CoreDb => createPrismaClient(PrismaClient, databaseUrl, 'core');

export type { Prisma } from './__generated__/prisma/client.ts';
export type { EntityLink } from './__generated__/prisma/client.ts';
