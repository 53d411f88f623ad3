import { createPrismaClient } from '@wrk/platform';
import { PrismaClient } from './__generated__/prisma/client.ts';

export type IdentityDb = PrismaClient;
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export const createIdentityDb = (databaseUrl: string): IdentityDb => createPrismaClient(PrismaClient, databaseUrl, 'identity');
