import type { Context } from './context.ts';
import type { CoreModel } from './visibility.ts';

type Direction = 'ASC' | 'DESC';

/** Rows a list may show: visible to the caller, live unless `includeArchived`, narrowed by the filter's clauses. */
export function listWhere(
  ctx: Context,
  model: CoreModel,
  filter: { includeArchived?: boolean | null } | null | undefined,
  clauses: (object | false | null | undefined)[],
): object {
  const visible = filter?.includeArchived ? ctx.loaders.visible.withArchived[model] : ctx.loaders.visible[model];
  return { AND: [visible, ...clauses.filter(Boolean)] };
}

/** Case-insensitive substring match on any of the columns. */
export const searchIn = (columns: string[], text: string | null | undefined) =>
  text ? { OR: columns.map((column) => ({ [column]: { contains: text, mode: 'insensitive' } })) } : null;

export const oneOf = (column: string, values: readonly string[] | null | undefined) =>
  values?.length ? { [column]: { in: values } } : null;

export const byExternalId = (relation: string, id: string | null | undefined) =>
  id ? { [relation]: { externalId: id } } : null;

/** Through a pivot: rows related to the entity with this external ID. */
export const relatedThrough = (pivot: string, side: string, id: string | null | undefined) =>
  id ? { [pivot]: { some: { [side]: { externalId: id } } } } : null;

/**
 * `orderBy` of a list: the chosen column, then (by listPage) the id. Columns marked `?` are nullable and
 * sort their nulls last in both directions.
 */
export function orderOf(
  orderBy: { field: string; direction?: Direction | null } | null | undefined,
  columns: Record<string, string>,
  fallback: object[],
): object[] {
  if (!orderBy) return fallback;
  const sort = (orderBy.direction ?? 'ASC') === 'ASC' ? 'asc' : 'desc';
  const column = columns[orderBy.field]!;
  return column.endsWith('?') ? [{ [column.slice(0, -1)]: { sort, nulls: 'last' } }] : [{ [column]: sort }];
}
