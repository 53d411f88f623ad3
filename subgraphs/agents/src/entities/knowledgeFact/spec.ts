import { sourceEntityIds } from '@wrk/catalog/sources';
import type { KnowledgeFact, Prisma } from '../../db.ts';
import type { AgentsEntitySpec } from '../spec.ts';

/** A fact is shown only when the caller may see its subject and every entity it cites. */
export const knowledgeFactSpec: AgentsEntitySpec<KnowledgeFact, Prisma.KnowledgeFactWhereInput> = {
  find: (db, ids, where = {}) => db.knowledgeFact.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => visible.fact,
  requires: (row) => [row.subjectId, ...sourceEntityIds(row.sourceRefs)],
};
