import { prefixOf } from '@wrk/catalog';
import type { CoreDb, Tx } from '../db.ts';
import type { ListOrder } from '../lists.ts';
import type { InProjects, VisibilityModel } from '../visibility.ts';
import type { CoreEntityName } from './names.ts';

/** Columns every core entity row has (visibility and owner only where the entity can be restricted). */
export interface CoreRow {
  id: number;
  externalId: string;
  archivedAt: Date | null;
  visibility?: string;
  ownerUserId?: string | null;
}

/** Columns the service sets on every write: attribution, and for a new row its external ID. */
export interface Attribution {
  actor: string;
  sourceSystem: string;
}
export interface NewRowColumns extends Attribution {
  externalId: string;
}

/** A reference field of the type and the type it returns: the sources of `related` besides pivots and links. */
export type Reference = readonly [field: string, typename: string];

/**
 * Everything core's shared code needs to know about one entity type. The Prisma calls are the only per-type
 * code: each is a one-line closure typed by Prisma's generated inputs, so the service stays generic.
 */
export interface EntitySpec<
  Model extends string,
  Row extends CoreRow,
  OrderField extends string,
  Create,
  Update,
  P extends InProjects = InProjects,
> {
  typename: CoreEntityName;
  /** The prefix of its external IDs, from catalog/ (composed from the subgraphs' names.ts). */
  prefix: string;
  /** The name of its Prisma delegate, and of its by-external-ID loader. */
  model: Model;
  visibility: VisibilityModel<P>;
  /** Order columns keyed by the generated `<Type>OrderField` enum: a new enum value fails to compile until mapped. */
  order: ListOrder<OrderField>;
  /** Its Prisma enums, served as GraphQL enums of the same name (UPPER_CASE values). */
  enums?: Record<string, Record<string, string>>;
  references: readonly Reference[];
  /** Rows matching `where` (to which the loaders add the caller's visibility). */
  find(db: CoreDb, where: object): Promise<Row[]>;
  insert(tx: Tx, columns: NewRowColumns, data: Create): Promise<Row>;
  update(tx: Tx, id: number, data: Update | { archivedAt: Date }, attribution: Attribution): Promise<Row>;
}

/** Any entity spec (its methods are compared bivariantly, so every spec fits), for registries over all of them. */
export type AnyEntitySpec = EntitySpec<string, CoreRow, string, unknown, unknown>;

export const defineEntity = <Model extends string, Row extends CoreRow, OrderField extends string, Create, Update, P extends InProjects>(
  spec: Omit<EntitySpec<Model, Row, OrderField, Create, Update, P>, 'prefix'>,
): EntitySpec<Model, Row, OrderField, Create, Update, P> => ({ ...spec, prefix: prefixOf(spec.typename) });
