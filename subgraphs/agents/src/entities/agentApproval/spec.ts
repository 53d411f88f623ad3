import type { AgentApproval, Prisma } from '../../db.ts';
import type { AgentsEntitySpec, NewRowColumns } from '../spec.ts';

/** An approval is shown only when the caller may see its target (if any). */
export const agentApprovalSpec: AgentsEntitySpec<
  AgentApproval,
  Prisma.AgentApprovalWhereInput,
  Omit<Prisma.AgentApprovalUncheckedCreateInput, keyof NewRowColumns>
> = {
  typename: 'AgentApproval',
  insert: (tx, columns, data) => tx.agentApproval.create({ data: { ...columns, ...data } }),
  find: (db, ids, where = {}) => db.agentApproval.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => visible.ofRun,
  requires: (row) => (row.targetId ? [row.targetId] : []),
};
