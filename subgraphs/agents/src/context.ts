import type { RequestContext } from '@wrk/platform';
import type { AgentsDb } from './db.ts';
import type { AgentsLoaders } from './loaders.ts';
import type { OwnerUrls } from '@wrk/catalog/owners';

export interface Context extends RequestContext {
  db: AgentsDb;
  loaders: AgentsLoaders;
  /** Where the other subgraphs answer (an approved proposal is applied by its target's owner). */
  ownerUrls: OwnerUrls;
}
