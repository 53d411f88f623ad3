import { byIdFields } from '@wrk/catalog/ids';
import { listPage, type ListDelegate } from '@wrk/platform';
import type { Context } from '../context.ts';
import { listWhere, orderOf } from '../lists.ts';
import type { CoreRow, EntitySpec } from './entity.ts';
import type { CoreModel } from './index.ts';
import { entityService } from './service.ts';

type Loader<Row> = (ctx: Context) => { load(id: string): Promise<Row | null>; primeRow(row: Row): unknown };

type Clause = object | false | null | undefined;
type ListFilter = { includeArchived?: boolean | null };

interface ListArgs<Filter, OrderField> {
  filter?: Filter | null;
  orderBy?: { field: OrderField; direction?: 'ASC' | 'DESC' | null } | null;
  first?: number | null;
  after?: string | null;
}

/**
 * The root fields every core entity has, derived from its spec: `x(id:)`, `__resolveReference`, the `xs` list (its
 * own filter clauses given), `archiveX`, and the service its create and update mutations call.
 */
export function entityRootFields<Model extends CoreModel, Row extends CoreRow, OrderField extends string, Create, Update extends object>(
  spec: EntitySpec<Model, Row, OrderField, Create, Update>,
  loader: Loader<NoInfer<Row>>,
  table: (ctx: Context) => ListDelegate<Row>,
) {
  const service = entityService(spec, loader);
  return {
    ...byIdFields<Row, Context>(spec.typename, loader),
    service,
    archive: (_: unknown, { id }: { id: string }, ctx: Context) => service.archive(ctx, id),
    /** The list: rows the caller may see (live unless `includeArchived`), narrowed by the filter's clauses. */
    list:
      <Filter extends ListFilter>(clauses: (ctx: Context, filter: Filter) => Clause[]) =>
      async (_: unknown, { filter, orderBy, ...page }: ListArgs<Filter, OrderField>, ctx: Context, info: { fieldName: string }) => {
        const connection = await listPage(table(ctx), {
          list: `Query.${info.fieldName}`,
          args: { ...page, filter, orderBy },
          where: listWhere(ctx, spec.model, filter, filter ? clauses(ctx, filter) : []),
          orderBy: orderOf(orderBy, spec.order),
        });
        // The page's live rows are what the entity's loaders would read for them (same visibility): a link or
        // reference back to one of them, by external ID or by row id, costs no second query.
        const rows = loader(ctx);
        for (const row of connection.nodes) if (row.archivedAt === null) rows.primeRow(row);
        return connection;
      },
  };
}
