import type { AgentsDb } from '../db.ts';
import type { AgentsVisibility } from '../visibility.ts';

/** What the loaders need of one agents entity type; each entity folder's spec.ts gives it. */
export interface AgentsEntitySpec<Row, Where> {
  /** Its rows by external ID; within `where` when given. */
  find(db: AgentsDb, ids: string[], where?: Where): Promise<Row[]>;
  /** The `where` of the rows the caller may see, from the request's visibility (visibility.ts). */
  visibleWhere(visible: AgentsVisibility): Where;
  /** The entities a row refers to that the caller must see before the row is shown (none: []). */
  requires: (row: Row) => string[];
}
