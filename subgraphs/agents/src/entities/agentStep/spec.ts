import type { AgentStep, Prisma } from '../../db.ts';
import { lockOpenRun } from '../agentRun/lifecycle.ts';
import type { AgentsEntitySpec, NewRowColumns } from '../spec.ts';

/** Steps follow their run; their sources are redacted rather than hiding the step. */
export const agentStepSpec: AgentsEntitySpec<
  AgentStep,
  Prisma.AgentStepWhereInput,
  Omit<Prisma.AgentStepUncheckedCreateInput, keyof NewRowColumns | 'stepIndex'>
> = {
  typename: 'AgentStep',
  // The run's row lock orders concurrent steps of one run: each sees the previous one's index, and none lands on a
  // run that has ended. The step is the run's latest activity (the abandon job's clock).
  insert: async (tx, columns, data) => {
    await lockOpenRun(tx, data.runId);
    const last = await tx.agentStep.aggregate({ where: { runId: data.runId }, _max: { stepIndex: true } });
    const step = await tx.agentStep.create({ data: { ...columns, ...data, stepIndex: (last._max.stepIndex ?? -1) + 1 } });
    await tx.agentRun.update({ where: { id: data.runId }, data: { lastActivityAt: step.createdAt } });
    return step;
  },
  find: (db, ids, where = {}) => db.agentStep.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => visible.step,
  requires: () => [],
};
