import { requiredText, schemaModule } from '@wrk/platform';
import { byIdFields, optionalReferencedRow, typeOfIdOrThrow } from '@wrk/catalog/ids';
import { agentsService } from '../service.ts';
import { knowledgeFactSpec } from './spec.ts';
import type { Context } from '../../context.ts';
import type { KnowledgeFactResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { confidence, sourceRefs, sourceRefsOf } from '../../inputs.ts';
import { expectEntityId, resolveEntityRef } from '../../nodes.ts';

const byId = byIdFields('KnowledgeFact', (ctx: Context) => ctx.loaders.rows.KnowledgeFact);

export const KnowledgeFact: KnowledgeFactResolvers = {
  id: (fact) => fact.externalId,
  run: (fact, _, ctx) => (fact.runId === null ? null : ctx.loaders.agentRunById.load(fact.runId)),
  subject: (fact, _, ctx) => resolveEntityRef(fact.subjectId, ctx),
  sourceRefs: sourceRefsOf,
  __resolveReference: byId.resolveReference,
};

export const KnowledgeFactQueries: QueryResolvers = {
  knowledgeFact: byId.byId,
  knowledgeFacts: (_, args, ctx) => {
    if (args.subjectId) typeOfIdOrThrow(args.subjectId);
    return ctx.loaders.knowledgeFacts(args, args.subjectId);
  },
};

export const KnowledgeFactMutations: MutationResolvers = {
  createKnowledgeFact: async (_, { input }, ctx) => {
    const data = {
      predicate: requiredText('predicate', input.predicate, 200),
      value: requiredText('value', input.value, 10_000),
      confidence: confidence('confidence', input.confidence),
    };
    const [run, subjectId] = await Promise.all([
      optionalReferencedRow(ctx.loaders.rows.AgentRun, 'runId', 'AgentRun', input.runId),
      expectEntityId('subjectId', input.subjectId, ctx),
    ]);
    const refs = await sourceRefs(ctx, 'sourceRefs', input.sourceRefs);
    return agentsService.create(ctx, knowledgeFactSpec, { runId: run?.id ?? null, subjectId, ...data, sourceRefs: refs });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const knowledgeFactModule = schemaModule(new URL('./knowledgeFact.graphql', import.meta.url), {
  Query: KnowledgeFactQueries,
  Mutation: KnowledgeFactMutations,
  KnowledgeFact,
} satisfies Resolvers);
