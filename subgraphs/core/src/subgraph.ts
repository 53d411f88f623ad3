import { partialErrors, postgresReplayGuard, type SubgraphDefinition } from '@wrk/platform';
import type { Context } from './context.ts';
import type { CoreDb } from './db.ts';
import { createLoaders } from './loaders.ts';
import type { OwnerUrls } from '@wrk/catalog/owners';
import { approvalGate } from '@wrk/catalog/approvalPolicy';
import { modules } from './resolvers/index.ts';
import { mayWrite } from './permissions.ts';

export function coreSubgraph(db: CoreDb, ownerUrls: OwnerUrls): SubgraphDefinition<Context> {
  return {
    name: 'core',
    modules,
    createContext: (request) => ({
      ...request,
      gate: approvalGate(ownerUrls, 'core'),
      db,
      loaders: createLoaders(db, ownerUrls, request.claims, request.delegate),
    }),
    replayGuard: postgresReplayGuard(db),
    mayWrite,
    // Lists answered without what an unavailable subgraph could not confirm say so at their path (nodes.ts linksOf).
    plugins: [partialErrors<Context>()],
    isReady: async () => (await db.$queryRaw`SELECT 1`) !== null,
  };
}
