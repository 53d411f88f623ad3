import { attribution, newExternalId, type RequestContext } from '@wrk/platform';
import { prefixOf } from './index.ts';

/** Columns of a new row of an entity type: a fresh external ID and attribution from the verified request. */
export function newRowColumns(ctx: RequestContext, typename: string) {
  return { externalId: newExternalId(prefixOf(typename)), ...attribution(ctx) };
}
