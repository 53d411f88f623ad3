import { partialErrors, postgresReplayGuard, type SubgraphDefinition } from '@wrk/platform';
import type { Context } from './context.ts';
import type { AgentsDb } from './db.ts';
import { createLoaders } from './loaders.ts';
import type { OwnerUrls } from '@wrk/catalog/owners';
import { approvalGate } from '@wrk/catalog/approvalPolicy';
import { modules } from './resolvers.ts';
import { provenanceRoute } from './provenance.ts';
import { approvalsRoute } from './entities/agentApproval/gate.ts';

export function agentsSubgraph(db: AgentsDb, ownerUrls: OwnerUrls): SubgraphDefinition<Context> {
  const replayGuard = postgresReplayGuard(db);
  return {
    name: 'agents',
    modules,
    createContext: (request) => ({
      ...request,
      gate: approvalGate(ownerUrls, 'agents'),
      ownerUrls,
      db,
      loaders: createLoaders(db, ownerUrls, request.claims, request.delegate),
    }),
    replayGuard,
    // A run's lists say at their path which owners' rows they left out (loaders.ts, `leftOutOfRun`).
    plugins: [partialErrors<Context>()],
    routes: (app, verify, contextFor) => {
      provenanceRoute(app, verify, contextFor);
      approvalsRoute(replayGuard)(app, verify, contextFor);
    },
    isReady: async () => (await db.$queryRaw`SELECT 1`) !== null,
  };
}
