import { found, invalidId, notFound } from '@wrk/platform/errors';
import { entityType, entityTypeOfId, type EntityTypeInfo } from './index.ts';

/** The entity type an ID names; INVALID_ID when malformed or of an unknown prefix. */
export function typeOfIdOrThrow(id: string): EntityTypeInfo {
  const info = entityTypeOfId(id);
  if (!info) throw invalidId(id);
  return info;
}

/** Checks that an argument names an entity of the expected type; INVALID_ID otherwise. */
export function expectIdOf(typename: string, id: string): string {
  if (entityTypeOfId(id)?.typename !== entityType(typename).typename) throw invalidId(id, typename);
  return id;
}

/** The row an ID argument names, through a (visibility-filtered) loader: INVALID_ID for a wrong type, NOT_FOUND naming the field when absent. */
export async function referencedRow<Row>(
  loader: { load(id: string): Promise<Row | null> },
  field: string,
  typename: string,
  id: string,
): Promise<Row> {
  expectIdOf(typename, id);
  const row = await loader.load(id);
  if (!row) throw notFound(id, { field });
  return row;
}

/** Like referencedRow, for an optional argument: null when it is absent. */
export async function optionalReferencedRow<Row>(
  loader: { load(id: string): Promise<Row | null> },
  field: string,
  typename: string,
  id: string | null | undefined,
): Promise<Row | null> {
  return id ? referencedRow(loader, field, typename, id) : null;
}

/**
 * An entity's `x(id:)` root field and its `__resolveReference`, over its by-external-ID loader: the row as the caller
 * sees it, NOT_FOUND when missing or hidden, and for `x(id:)` INVALID_ID when the ID names another type.
 */
export function byIdFields<Row, Ctx>(typename: string, loader: (ctx: Ctx) => { load(id: string): Promise<Row | null> }) {
  return {
    byId: async (_: unknown, { id }: { id: string }, ctx: Ctx): Promise<Row> => found(await loader(ctx).load(expectIdOf(typename, id)), id),
    resolveReference: async (ref: { id: string }, ctx: Ctx): Promise<Row> => found(await loader(ctx).load(ref.id), ref.id),
  };
}
