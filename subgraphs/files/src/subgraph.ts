import { postgresReplayGuard, type SubgraphDefinition } from '@wrk/platform';
import type { Context } from './context.ts';
import type { FilesDb } from './db.ts';
import { createLoaders } from './loaders.ts';
import type { OwnerUrls } from '@wrk/catalog/owners';
import { approvalGate } from '@wrk/catalog/approvalPolicy';
import { modules } from './resolvers.ts';
import { boxWebhookRoutes } from './box/webhookRoute.ts';
import type { BoxWebhookKeys } from './box/webhookSignature.ts';

export interface FilesOptions {
  /** The keys that verify Box webhook deliveries (box/webhookKeys.ts); without them POST /webhooks/box answers 503. */
  boxWebhookKeys?: BoxWebhookKeys;
  /** The client the intake stores deliveries with (createBoxWebhookDb: its statements time out); default `db`. */
  boxWebhookDb?: FilesDb;
}

export function filesSubgraph(db: FilesDb, ownerUrls: OwnerUrls, options: FilesOptions = {}): SubgraphDefinition<Context> {
  const webhooks = boxWebhookRoutes(options.boxWebhookDb ?? db, options.boxWebhookKeys);
  return {
    name: 'files',
    modules,
    createContext: (request) => ({
      ...request,
      gate: approvalGate(ownerUrls, 'files'),
      db,
      loaders: createLoaders(db, ownerUrls, request.claims, request.delegate),
    }),
    replayGuard: postgresReplayGuard(db),
    routes: webhooks.routes,
    serveFirst: webhooks.serveFirst,
    isReady: async () => (await db.$queryRaw`SELECT 1`) !== null,
  };
}
