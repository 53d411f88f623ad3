import type { AgentStep, Prisma } from '../../db.ts';
import type { AgentsEntitySpec } from '../spec.ts';

/** Steps follow their run; their sources are redacted rather than hiding the step. */
export const agentStepSpec: AgentsEntitySpec<AgentStep, Prisma.AgentStepWhereInput> = {
  find: (db, ids, where = {}) => db.agentStep.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => visible.step,
  requires: () => [],
};
