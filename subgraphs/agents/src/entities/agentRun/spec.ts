import type { AgentRun, Prisma } from '../../db.ts';
import type { AgentsEntitySpec, NewRowColumns } from '../spec.ts';

/** Runs are internal: whoever may read agents sees them (an allowlist narrows), whatever they cite. */
export const agentRunSpec: AgentsEntitySpec<
  AgentRun,
  Prisma.AgentRunWhereInput,
  Omit<Prisma.AgentRunUncheckedCreateInput, keyof NewRowColumns>
> = {
  typename: 'AgentRun',
  insert: (tx, columns, data) => tx.agentRun.create({ data: { ...columns, ...data } }),
  find: (db, ids, where = {}) => db.agentRun.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => visible.run,
  requires: () => [],
};
