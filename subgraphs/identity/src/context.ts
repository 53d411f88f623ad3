import type { RequestContext } from '@wrk/platform';
import type { IdentityDb } from './db.ts';
import type { IdentityLoaders } from './loaders.ts';

export interface Context extends RequestContext {
  db: IdentityDb;
  loaders: IdentityLoaders;
}
