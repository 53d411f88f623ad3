import { createPrismaClient } from '@wrk/platform';
import { PrismaClient, type Prisma } from './__generated__/prisma/client.ts';

export type AgentsDb = PrismaClient;
/** The client inside a transaction. */
export type Tx = Prisma.TransactionClient;

export const createAgentsDb = (databaseUrl: string): AgentsDb => createPrismaClient(PrismaClient, databaseUrl, 'agents');

export { Prisma } from './__generated__/prisma/client.ts';
export type { AgentRun, AgentStep, AgentApproval, KnowledgeFact, KnowledgeInsight } from './__generated__/prisma/client.ts';
