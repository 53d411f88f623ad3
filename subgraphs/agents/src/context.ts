import type { RequestContext } from '@wrk/platform';
import type { AgentsDb } from './db.ts';
import type { AgentsLoaders } from './loaders.ts';

export interface Context extends RequestContext {
  db: AgentsDb;
  loaders: AgentsLoaders;
}
