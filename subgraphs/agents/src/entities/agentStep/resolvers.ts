import { badUserInput, dateOrNull, found, listPage, machineName, requiredText, schemaModule, writeAndRecord } from '@wrk/platform';
import { expectIdOf, referencedRow } from '@wrk/catalog/ids';
import type { AgentStepResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { Prisma } from '../../db.ts';
import { jsonValue, sourceRefs, sourceRefsOf } from '../../inputs.ts';
import { newRowColumns } from '@wrk/catalog/rows';

/** A run in one of these states takes no more steps. */
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export const AgentStep: AgentStepResolvers = {
  id: (step) => step.externalId,
  run: async (step, _, ctx) => found(await ctx.loaders.agentRunById.load(step.runId), `run of ${step.externalId}`),
  sourceRefs: sourceRefsOf,
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.rows.AgentStep.load(ref.id), ref.id),
};

export const AgentStepQueries: QueryResolvers = {
  agentStep: async (_, { id }, ctx) => found(await ctx.loaders.rows.AgentStep.load(expectIdOf('AgentStep', id)), id),
  agentSteps: (_, args, ctx) =>
    listPage(ctx.db.agentStep, {
      list: 'Query.agentSteps',
      args,
      where: ctx.loaders.visible.step,
      orderBy: [
        { field: 'runId', direction: 'asc' },
        { field: 'stepIndex', direction: 'asc' },
      ],
    }),
};

export const AgentStepMutations: MutationResolvers = {
  recordAgentStep: async (_, { input }, ctx) => {
    const run = await referencedRow(ctx.loaders.rows.AgentRun, 'runId', 'AgentRun', input.runId);
    const data = {
      tool: requiredText('tool', input.tool, 200),
      input: jsonValue('input', input.input),
      output: jsonValue('output', input.output) ?? Prisma.DbNull,
      status: input.status ? machineName('status', input.status) : 'succeeded',
      sourceRefs: sourceRefs('sourceRefs', input.sourceRefs),
      startedAt: dateOrNull(input.startedAt),
      finishedAt: new Date(),
    };
    return writeAndRecord(ctx, 'AgentStep', 'create', async (tx) => {
      // The run's row lock orders concurrent steps of one run: each sees the previous one's index.
      const [locked] = await tx.$queryRaw<{ status: string }[]>`
        SELECT status::text AS status FROM "agents"."agent_runs" WHERE id = ${run.id} FOR UPDATE`;
      if (!locked || FINISHED.has(locked.status)) {
        throw badUserInput('runId', `run ${run.externalId} has finished (${locked?.status ?? 'gone'}) and takes no more steps`);
      }
      const last = await tx.agentStep.aggregate({ where: { runId: run.id }, _max: { stepIndex: true } });
      return {
        after: await tx.agentStep.create({
          data: { ...newRowColumns(ctx, 'AgentStep'), runId: run.id, stepIndex: (last._max.stepIndex ?? -1) + 1, ...data },
        }),
      };
    });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const agentStepModule = schemaModule(new URL('./agentStep.graphql', import.meta.url), {
  Query: AgentStepQueries,
  Mutation: AgentStepMutations,
  AgentStep,
} satisfies Resolvers);
