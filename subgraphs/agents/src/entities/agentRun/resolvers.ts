import { listPage, machineName, requiredText, schemaModule } from '@wrk/platform';
import { byIdFields } from '@wrk/catalog/ids';
import { agentsService } from '../service.ts';
import { agentRunSpec } from './spec.ts';
import type { Context } from '../../context.ts';
import type { AgentRunResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { jsonObject } from '../../inputs.ts';

const byId = byIdFields('AgentRun', (ctx: Context) => ctx.loaders.rows.AgentRun);

export const AgentRun: AgentRunResolvers = {
  id: (run) => run.externalId,
  steps: (run, _, ctx) => ctx.loaders.stepsByRun.load(run.id),
  approvals: (run, _, ctx) => ctx.loaders.approvalsByRun.load(run.id),
  facts: (run, _, ctx) => ctx.loaders.factsByRun.load(run.id),
  insights: (run, _, ctx) => ctx.loaders.insightsByRun.load(run.id),
  __resolveReference: byId.resolveReference,
};

export const AgentRunQueries: QueryResolvers = {
  agentRun: byId.byId,
  agentRuns: (_, args, ctx) =>
    listPage(ctx.db.agentRun, {
      list: 'Query.agentRuns',
      args,
      where: { AND: [ctx.loaders.visible.run, args.agentName ? { agentName: args.agentName } : {}] },
      orderBy: [{ field: 'createdAt', direction: 'desc' }],
    }),
};

export const AgentRunMutations: MutationResolvers = {
  createAgentRun: (_, { input }, ctx) => {
    const data = {
      agentName: machineName('agentName', input.agentName),
      prompt: requiredText('prompt', input.prompt, 100_000),
      model: requiredText('model', input.model, 200),
      runtimeMetadata: jsonObject('runtimeMetadata', input.runtimeMetadata),
    };
    return agentsService.create(ctx, agentRunSpec, {
      ...data,
      status: 'running',
      startedAt: new Date(),
      initiatedBy: ctx.claims.sub ?? null,
      tokenId: ctx.claims.tokenId ?? null,
    });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const agentRunModule = schemaModule(new URL('./agentRun.graphql', import.meta.url), {
  Query: AgentRunQueries,
  Mutation: AgentRunMutations,
  AgentRun,
} satisfies Resolvers);
