import { sourceEntityIds } from '@wrk/catalog/sources';
import type { KnowledgeInsight, Prisma } from '../../db.ts';
import type { AgentsEntitySpec, NewRowColumns } from '../spec.ts';

/** An insight is shown only when the caller may see every entity it cites and every fact it rests on. */
export const knowledgeInsightSpec: AgentsEntitySpec<
  KnowledgeInsight,
  Prisma.KnowledgeInsightWhereInput,
  Omit<Prisma.KnowledgeInsightUncheckedCreateInput, keyof NewRowColumns>
> = {
  typename: 'KnowledgeInsight',
  insert: (tx, columns, data) => tx.knowledgeInsight.create({ data: { ...columns, ...data } }),
  find: (db, ids, where = {}) => db.knowledgeInsight.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => visible.ofRun,
  requires: (row) => [...row.supportingFactIds, ...sourceEntityIds(row.sourceRefs)],
};
