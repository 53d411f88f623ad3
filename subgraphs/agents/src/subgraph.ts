import { loadSubgraphTypeDefs, postgresReplayGuard, type SubgraphDefinition } from '@wrk/platform';
import type { Context } from './context.ts';
import type { AgentsDb } from './db.ts';
import { createLoaders } from './loaders.ts';
import type { OwnerUrls } from '@wrk/catalog/owners';
import { resolvers } from './resolvers.ts';

export const typeDefs = loadSubgraphTypeDefs(new URL('../', import.meta.url));

export function agentsSubgraph(db: AgentsDb, ownerUrls: OwnerUrls): SubgraphDefinition<Context> {
  return {
    name: 'agents',
    typeDefs,
    resolvers,
    createContext: (request) => ({ ...request, db, loaders: createLoaders(db, ownerUrls, request.claims, request.delegate) }),
    replayGuard: postgresReplayGuard(db),
    isReady: async () => (await db.$queryRaw`SELECT 1`) !== null,
  };
}
