import { badUserInput, found, listPage, requiredText, schemaModule } from '@wrk/platform';
import { byIdFields, referencedRow } from '@wrk/catalog/ids';
import { agentsService } from '../service.ts';
import { agentStepSpec } from './spec.ts';
import { notYourRun, ownsRun } from '../agentRun/lifecycle.ts';
import type { Context } from '../../context.ts';
import type { AgentStepResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { Prisma } from '../../db.ts';
import { jsonValue, sourceRefs, sourceRefsOf } from '../../inputs.ts';

const byId = byIdFields('AgentStep', (ctx: Context) => ctx.loaders.rows.AgentStep);

export const AgentStep: AgentStepResolvers = {
  id: (step) => step.externalId,
  run: async (step, _, ctx) => found(await ctx.loaders.agentRunById.load(step.runId), `run of ${step.externalId}`),
  sourceRefs: sourceRefsOf,
  __resolveReference: byId.resolveReference,
};

export const AgentStepQueries: QueryResolvers = {
  agentStep: byId.byId,
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
  appendStep: async (_, { runId, input }, ctx) => {
    const run = await referencedRow(ctx.loaders.rows.AgentRun, 'runId', 'AgentRun', runId);
    if (!ownsRun(run, ctx.claims)) throw notYourRun(runId);
    if (input.durationMs !== null && input.durationMs !== undefined && input.durationMs < 0) {
      throw badUserInput('durationMs', 'must be at least 0');
    }
    const finishedAt = new Date();
    const data = {
      tool: requiredText('tool', input.tool, 200),
      input: jsonValue('input', input.input),
      output: jsonValue('output', input.output) ?? Prisma.DbNull,
      status: input.status ?? 'succeeded',
      durationMs: input.durationMs ?? null,
      startedAt: input.durationMs ? new Date(finishedAt.getTime() - input.durationMs) : finishedAt,
      finishedAt,
      sourceRefs: await sourceRefs(ctx, 'sourceRefs', input.sourceRefs),
    };
    return agentsService.create(ctx, agentStepSpec, { runId: run.id, ...data });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const agentStepModule = schemaModule(new URL('./agentStep.graphql', import.meta.url), {
  Query: AgentStepQueries,
  Mutation: AgentStepMutations,
  AgentStep,
} satisfies Resolvers);
