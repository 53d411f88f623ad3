import type { SortKey } from '@wrk/platform';
import type { Context } from './context.ts';
import type { CoreModel } from './entities/index.ts';

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

/**
 * A filter by a referenced entity (`projectId`, `grantId`…) matches only through an entity the caller may see:
 * naming a hidden one filters exactly like naming one that does not exist (no count of what is attached to it).
 * Archived entities still filter, as before, when the caller may see them.
 */
const visibleWithId = (ctx: Context, model: CoreModel, id: string) => ({ externalId: id, ...ctx.loaders.visible.withArchived[model] });

/** Rows whose `relation` is the (visible) entity with this external ID. */
export const byExternalId = (ctx: Context, relation: string, model: CoreModel, id: string | null | undefined) =>
  id ? { [relation]: { is: visibleWithId(ctx, model, id) } } : null;

/** Through a pivot: rows related to the (visible) entity with this external ID, `model` being the pivot's other side. */
export const relatedThrough = (ctx: Context, pivot: string, model: CoreModel, id: string | null | undefined) =>
  id ? { [pivot]: { some: { [model]: visibleWithId(ctx, model, id) } } } : null;

/** A column a list can be ordered by: its name, with `?` when nullable, or the key itself (e.g. an enum's). */
export type OrderColumn = string | Omit<SortKey, 'direction'>;

function sortColumn(column: OrderColumn): Omit<SortKey, 'direction'> {
  if (typeof column !== 'string') return column;
  return column.endsWith('?') ? { field: column.slice(0, -1), nullable: true } : { field: column };
}

/** How a list may be ordered: a column per value of its generated `<Type>OrderField` enum, and the default order. */
export interface ListOrder<Field extends string> {
  columns: Record<Field, OrderColumn>;
  fallback: SortKey[];
}

/** A list's order; name the generated enum (`listOrder<ContractOrderField>(…)`) so that every value needs a column. */
export const listOrder = <Field extends string>(columns: Record<Field, OrderColumn>, fallback: SortKey[]): ListOrder<Field> => ({
  columns,
  fallback,
});

/**
 * The sort keys of a list: the chosen column, then (by listPage) the id. Nullable columns sort their nulls last
 * in both directions; the cursors of listPage follow the same order.
 */
export function orderOf<Field extends string>(
  orderBy: { field: Field; direction?: Direction | null } | null | undefined,
  order: ListOrder<Field>,
): SortKey[] {
  if (!orderBy) return order.fallback;
  const direction = (orderBy.direction ?? 'ASC') === 'ASC' ? 'asc' : 'desc';
  return [{ ...sortColumn(order.columns[orderBy.field]), direction }];
}
