import { createPrismaClient } from '@wrk/platform';
import { PrismaClient } from './__generated__/prisma/client.ts';

export type AgentsDb = PrismaClient;

export const createAgentsDb = (databaseUrl: string): AgentsDb => createPrismaClient(PrismaClient, databaseUrl);

export { Prisma } from './__generated__/prisma/client.ts';
export type { AgentRun, AgentStep, AgentApproval, KnowledgeFact, KnowledgeInsight } from './__generated__/prisma/client.ts';
