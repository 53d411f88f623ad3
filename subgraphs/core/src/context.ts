import type { RequestContext } from '@wrk/platform';
import type { CoreDb } from './db.ts';
import type { CoreLoaders } from './loaders.ts';

export interface Context extends RequestContext {
  db: CoreDb;
  loaders: CoreLoaders;
}
