import { sourceEntityIds } from '@wrk/catalog/sources';
import type { KnowledgeFact, Prisma } from '../../db.ts';
import type { AgentsEntitySpec, NewRowColumns } from '../spec.ts';

/** A fact is shown only when the caller may see its subject and every entity it cites. */
export const knowledgeFactSpec: AgentsEntitySpec<
  KnowledgeFact,
  Prisma.KnowledgeFactWhereInput,
  Omit<Prisma.KnowledgeFactUncheckedCreateInput, keyof NewRowColumns>
> = {
  typename: 'KnowledgeFact',
  insert: (tx, columns, data) => tx.knowledgeFact.create({ data: { ...columns, ...data } }),
  find: (db, ids, where = {}) => db.knowledgeFact.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => visible.fact,
  requires: (row) => [row.subjectId, ...sourceEntityIds(row.sourceRefs)],
};
