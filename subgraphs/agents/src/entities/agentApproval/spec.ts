import type { AgentApproval, Prisma } from '../../db.ts';
import type { AgentsEntitySpec, NewRowColumns } from '../spec.ts';

/** An approval is shown only when the caller may see its target, or else every entity of its scope (visibility.ts). */
export const agentApprovalSpec: AgentsEntitySpec<
  AgentApproval,
  Prisma.AgentApprovalWhereInput,
  Omit<Prisma.AgentApprovalUncheckedCreateInput, keyof NewRowColumns>
> = {
  typename: 'AgentApproval',
  insert: (tx, columns, data) => tx.agentApproval.create({ data: { ...columns, ...data } }),
  find: (db, ids, where = {}) => db.agentApproval.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => ({ AND: [visible.ofRun, visible.approval] }),
  requires: (row) => (row.targetId ? [row.targetId] : row.scopeIds),
};
