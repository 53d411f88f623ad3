import type { AgentRun, Prisma } from '../../db.ts';
import type { AgentsEntitySpec } from '../spec.ts';

/** Runs are internal: whoever may read agents sees them (an allowlist narrows), whatever they cite. */
export const agentRunSpec: AgentsEntitySpec<AgentRun, Prisma.AgentRunWhereInput> = {
  find: (db, ids, where = {}) => db.agentRun.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => visible.run,
  requires: () => [],
};
