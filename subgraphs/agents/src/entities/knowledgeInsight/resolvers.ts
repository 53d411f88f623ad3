import { requiredText, schemaModule } from '@wrk/platform';
import { byIdFields, optionalReferencedRow } from '@wrk/catalog/ids';
import { agentsService } from '../service.ts';
import { knowledgeInsightSpec } from './spec.ts';
import type { Context } from '../../context.ts';
import type { KnowledgeInsightResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { confidence, sourceRefs, sourceRefsOf } from '../../inputs.ts';

const byId = byIdFields('KnowledgeInsight', (ctx: Context) => ctx.loaders.rows.KnowledgeInsight);

export const KnowledgeInsight: KnowledgeInsightResolvers = {
  id: (insight) => insight.externalId,
  run: (insight, _, ctx) => (insight.runId === null ? null : ctx.loaders.agentRunById.load(insight.runId)),
  sourceRefs: sourceRefsOf,
  __resolveReference: byId.resolveReference,
};

export const KnowledgeInsightQueries: QueryResolvers = {
  knowledgeInsight: byId.byId,
  knowledgeInsights: (_, args, ctx) => ctx.loaders.knowledgeInsights(args, args.reviewState ? { reviewState: args.reviewState } : {}),
};

export const KnowledgeInsightMutations: MutationResolvers = {
  createKnowledgeInsight: async (_, { input }, ctx) => {
    const data = {
      title: requiredText('title', input.title),
      body: requiredText('body', input.body, 100_000),
      confidence: confidence('confidence', input.confidence),
      sourceRefs: await sourceRefs(ctx, 'sourceRefs', input.sourceRefs),
    };
    const run = await optionalReferencedRow(ctx.loaders.rows.AgentRun, 'runId', 'AgentRun', input.runId);
    return agentsService.create(ctx, knowledgeInsightSpec, { runId: run?.id ?? null, ...data });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const knowledgeInsightModule = schemaModule(new URL('./knowledgeInsight.graphql', import.meta.url), {
  Query: KnowledgeInsightQueries,
  Mutation: KnowledgeInsightMutations,
  KnowledgeInsight,
} satisfies Resolvers);
