import { postgresReplayGuard, type SubgraphDefinition } from '@wrk/platform';
import type { Context } from './context.ts';
import type { AgentsDb } from './db.ts';
import { createLoaders } from './loaders.ts';
import type { OwnerUrls } from '@wrk/catalog/owners';
import { modules } from './resolvers.ts';
import { provenanceRoute } from './provenance.ts';

export function agentsSubgraph(db: AgentsDb, ownerUrls: OwnerUrls): SubgraphDefinition<Context> {
  return {
    name: 'agents',
    modules,
    createContext: (request) => ({ ...request, db, loaders: createLoaders(db, ownerUrls, request.claims, request.delegate) }),
    replayGuard: postgresReplayGuard(db),
    routes: provenanceRoute,
    isReady: async () => (await db.$queryRaw`SELECT 1`) !== null,
  };
}
