import { badUserInput } from '@wrk/platform';
import type { AgentStep, Prisma } from '../../db.ts';
import type { AgentsEntitySpec, NewRowColumns } from '../spec.ts';

/** A run in one of these states takes no more steps. */
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** Steps follow their run; their sources are redacted rather than hiding the step. */
export const agentStepSpec: AgentsEntitySpec<
  AgentStep,
  Prisma.AgentStepWhereInput,
  Omit<Prisma.AgentStepUncheckedCreateInput, keyof NewRowColumns | 'stepIndex'>
> = {
  typename: 'AgentStep',
  // The run's row lock orders concurrent steps of one run: each sees the previous one's index, and none lands on a
  // finished run.
  insert: async (tx, columns, data) => {
    const [locked] = await tx.$queryRaw<{ status: string; externalId: string }[]>`
      SELECT status::text AS status, external_id AS "externalId" FROM "agents"."agent_runs" WHERE id = ${data.runId} FOR UPDATE`;
    if (!locked || FINISHED.has(locked.status)) {
      throw badUserInput(
        'runId',
        `run ${locked?.externalId ?? data.runId} has finished (${locked?.status ?? 'gone'}) and takes no more steps`,
      );
    }
    const last = await tx.agentStep.aggregate({ where: { runId: data.runId }, _max: { stepIndex: true } });
    return tx.agentStep.create({ data: { ...columns, ...data, stepIndex: (last._max.stepIndex ?? -1) + 1 } });
  },
  find: (db, ids, where = {}) => db.agentStep.findMany({ where: { AND: [{ externalId: { in: ids } }, where] } }),
  visibleWhere: (visible) => visible.step,
  requires: () => [],
};
