import type { AgentsDb, Tx } from '../db.ts';
import type { AgentsVisibility } from '../visibility.ts';
import type { AgentsTypename } from './names.ts';

/** Columns the service sets on every new row: its external ID and attribution. */
export interface NewRowColumns {
  externalId: string;
  actor: string;
  sourceSystem: string;
}

/** What the loaders and the service need of one agents entity type; each entity folder's spec.ts gives it. */
export interface AgentsEntitySpec<Row, Where, Create> {
  typename: AgentsTypename;
  /** Inserts a row (inside the service's transaction), typed by Prisma's generated create input. */
  insert(tx: Tx, columns: NewRowColumns, data: Create): Promise<Row>;
  /** Its rows by external ID; within `where` when given. */
  find(db: AgentsDb, ids: string[], where?: Where): Promise<Row[]>;
  /** The `where` of the rows the caller may see, from the request's visibility (visibility.ts). */
  visibleWhere(visible: AgentsVisibility): Where;
  /** The entities a row refers to that the caller must see before the row is shown (none: []). */
  requires: (row: Row) => string[];
}
