import { badUserInput, ErrorCode, graphQLError, optionalText, requiredText, schemaModule } from '@wrk/platform';
import { byIdFields, expectIdOf, referencedRow } from '@wrk/catalog/ids';
import { writingRun } from '../agentRun/lifecycle.ts';
import { agentsService } from '../service.ts';
import { knowledgeInsightSpec } from './spec.ts';
import type { Context } from '../../context.ts';
import {
  InsightDecision,
  type KnowledgeInsightResolvers,
  type MutationResolvers,
  type QueryResolvers,
  type Resolvers,
} from '../../__generated__/resolvers-types.ts';
import type { KnowledgeFact as KnowledgeFactRow, Prisma } from '../../db.ts';
import type { ReviewState } from '../../__generated__/prisma/enums.ts';
import { confidence, sourceRefs, sourceRefsOf } from '../../inputs.ts';

const byId = byIdFields('KnowledgeInsight', (ctx: Context) => ctx.loaders.rows.KnowledgeInsight);

export const KnowledgeInsight: KnowledgeInsightResolvers = {
  id: (insight) => insight.externalId,
  run: (insight, _, ctx) => (insight.runId === null ? null : ctx.loaders.agentRunById.load(insight.runId)),
  supportingFacts: async (insight, _, ctx) =>
    (await ctx.loaders.rows.KnowledgeFact.loadMany(insight.supportingFactIds)).filter(
      (fact): fact is KnowledgeFactRow => fact !== null && !(fact instanceof Error),
    ),
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
      supportingFactIds: await supportingFacts(ctx, input.supportingFactIds ?? []),
      sourceRefs: await sourceRefs(ctx, 'sourceRefs', input.sourceRefs),
    };
    const run = await writingRun(ctx, input.runId);
    return agentsService.create(ctx, knowledgeInsightSpec, { runId: run?.id ?? null, ...data });
  },
  submitInsight: async (_, { id }, ctx) => {
    const insight = await referencedRow(ctx.loaders.rows.KnowledgeInsight, 'id', 'KnowledgeInsight', id);
    return transition(ctx, insight.id, 'draft', { reviewState: 'in_review' });
  },
  reviewInsight: async (_, { id, decision, reason }, ctx) => {
    // A human gate: an agent may draft and submit, never approve (its own work or another agent's).
    if (ctx.claims.kind === 'agent') {
      throw graphQLError(ErrorCode.FORBIDDEN, 'agent tokens cannot review insights', { reason: 'AGENT_CANNOT_REVIEW' });
    }
    const insight = await referencedRow(ctx.loaders.rows.KnowledgeInsight, 'id', 'KnowledgeInsight', id);
    const reviewReason =
      decision === InsightDecision.Reject ? requiredText('reason', reason ?? '', 2_000) : optionalText('reason', reason, 2_000);
    return transition(ctx, insight.id, 'in_review', {
      reviewState: decision === InsightDecision.Approve ? 'approved' : 'rejected',
      reviewedBy: ctx.actor,
      reviewedAt: new Date(),
      reviewReason,
    });
  },
};

/** Supporting facts: each an existing fact the caller may see (missing and hidden get the same answer). */
async function supportingFacts(ctx: Context, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  unique.forEach((id) => expectIdOf('KnowledgeFact', id));
  const rows = await ctx.loaders.rows.KnowledgeFact.loadMany(unique);
  const missing = rows.findIndex((row) => row === null || row instanceof Error);
  if (missing >= 0) throw badUserInput(`supportingFactIds[${missing}]`, `names no fact you can see: ${unique[missing] ?? ''}`);
  return unique;
}

/** Moves an insight out of `from` under its row lock; CONFLICT (INVALID_TRANSITION) from any other state. */
function transition(ctx: Context, id: number, from: ReviewState, data: Prisma.KnowledgeInsightUpdateInput) {
  return agentsService.update(ctx, 'KnowledgeInsight', async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "agents"."knowledge_insights" WHERE id = ${id} FOR UPDATE`;
    const before = await tx.knowledgeInsight.findUniqueOrThrow({ where: { id } });
    if (before.reviewState !== from) {
      throw graphQLError(ErrorCode.CONFLICT, `id: insight ${before.externalId} is ${before.reviewState}, not ${from}`, {
        field: 'id',
        reason: 'INVALID_TRANSITION',
        reviewState: before.reviewState.toUpperCase(),
      });
    }
    return { before, after: await tx.knowledgeInsight.update({ where: { id }, data }) };
  });
}

/** The entity's module: its schema fragment and its resolvers. */
export const knowledgeInsightModule = schemaModule(new URL('./knowledgeInsight.graphql', import.meta.url), {
  Query: KnowledgeInsightQueries,
  Mutation: KnowledgeInsightMutations,
  KnowledgeInsight,
} satisfies Resolvers);
