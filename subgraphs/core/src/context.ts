import type { RequestContext } from '@wrk/platform';
import type { CoreDb } from './db.ts';
import type { CoreLoaders } from './loaders.ts';
import type { OwnerUrls } from './owners.ts';

export interface Context extends RequestContext {
  db: CoreDb;
  loaders: CoreLoaders;
  /** Where the owners of other subgraphs' entities answer, to check a link target exists. */
  ownerUrls: OwnerUrls;
}
