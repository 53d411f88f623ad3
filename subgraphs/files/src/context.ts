import type { RequestContext } from '@wrk/platform';
import type { FilesDb } from './db.ts';
import type { FilesLoaders } from './loaders.ts';

export interface Context extends RequestContext {
  db: FilesDb;
  loaders: FilesLoaders;
}
