import { postgresReplayGuard, type SubgraphDefinition } from '@wrk/platform';
import type { Context } from './context.ts';
import type { IdentityDb } from './db.ts';
import { createLoaders } from './loaders.ts';
import { modules } from './resolvers.ts';
import type { OwnerUrls } from '@wrk/catalog/owners';
import { approvalGate } from '@wrk/catalog/approvalPolicy';
import { identityRoutes } from './routes.ts';
import { checkTokenLifetimes } from './tokens.ts';

export function identitySubgraph(db: IdentityDb, ownerUrls: OwnerUrls): SubgraphDefinition<Context> {
  checkTokenLifetimes();
  return {
    name: 'identity',
    modules,
    createContext: (request) => ({ ...request, gate: approvalGate(ownerUrls, 'identity'), db, loaders: createLoaders(db) }),
    replayGuard: postgresReplayGuard(db),
    isReady: async () => (await db.$queryRaw`SELECT 1`) !== null,
    routes: identityRoutes(db),
  };
}
