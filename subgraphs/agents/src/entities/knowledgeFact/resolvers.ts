import {
  badUserInput,
  dateOrNull,
  dateOrder,
  ErrorCode,
  graphQLError,
  recordChange,
  requiredText,
  schemaModule,
  writeAndRecord,
} from '@wrk/platform';
import { newRowColumns } from '@wrk/catalog/rows';
import { byIdFields, referencedRow, typeOfIdOrThrow } from '@wrk/catalog/ids';
import { agentsService } from '../service.ts';
import { knowledgeFactSpec } from './spec.ts';
import { writingRun } from '../agentRun/lifecycle.ts';
import type { Context } from '../../context.ts';
import type {
  CreateKnowledgeFactInput,
  KnowledgeFactResolvers,
  MutationResolvers,
  QueryResolvers,
  Resolvers,
} from '../../__generated__/resolvers-types.ts';
import type { KnowledgeFact as FactRow, Tx } from '../../db.ts';
import { confidence, sourceRefs, sourceRefsOf } from '../../inputs.ts';
import { expectEntityId, resolveEntityRef } from '../../nodes.ts';

const byId = byIdFields('KnowledgeFact', (ctx: Context) => ctx.loaders.rows.KnowledgeFact);

export const KnowledgeFact: KnowledgeFactResolvers = {
  id: (fact) => fact.externalId,
  run: (fact, _, ctx) => (fact.runId === null ? null : ctx.loaders.agentRunById.load(fact.runId)),
  subject: (fact, _, ctx) => resolveEntityRef(fact.subjectId, ctx),
  supersededBy: (fact, _, ctx) => (fact.supersededById === null ? null : ctx.loaders.factById.load(fact.supersededById)),
  supersedes: async (fact, _, ctx) => (await ctx.loaders.factSuperseded.load(fact.id))[0] ?? null,
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

/** A new fact's columns, checked: its subject and sources exist and are visible; its run is the caller's own. */
async function factData(ctx: Context, input: CreateKnowledgeFactInput) {
  const data = {
    predicate: requiredText('predicate', input.predicate, 200),
    value: requiredText('value', input.value, 10_000),
    confidence: confidence('confidence', input.confidence),
    validFrom: dateOrNull(input.validFrom),
    validTo: dateOrNull(input.validTo),
  };
  dateOrder(data.validFrom, data.validTo, { start: 'validFrom', end: 'validTo' });
  const [run, subjectId] = await Promise.all([writingRun(ctx, input.runId), expectEntityId('subjectId', input.subjectId, ctx)]);
  const refs = await sourceRefs(ctx, 'sourceRefs', input.sourceRefs);
  return { runId: run?.id ?? null, subjectId, ...data, sourceRefs: refs };
}

/** Locks an ACTIVE fact; CONFLICT (INVALID_TRANSITION) when it was already deprecated or superseded. */
async function lockActiveFact(tx: Tx, id: number): Promise<FactRow> {
  await tx.$queryRaw`SELECT 1 FROM "agents"."knowledge_facts" WHERE id = ${id} FOR UPDATE`;
  const fact = await tx.knowledgeFact.findUniqueOrThrow({ where: { id } });
  if (fact.status !== 'active') {
    throw graphQLError(ErrorCode.CONFLICT, `id: fact ${fact.externalId} is ${fact.status} already`, {
      field: 'id',
      reason: 'INVALID_TRANSITION',
      status: fact.status.toUpperCase(),
    });
  }
  return fact;
}

export const KnowledgeFactMutations: MutationResolvers = {
  createKnowledgeFact: async (_, { input }, ctx) => agentsService.create(ctx, knowledgeFactSpec, await factData(ctx, input)),
  deprecateFact: async (_, { id, reason }, ctx) => {
    const fact = await referencedRow(ctx.loaders.rows.KnowledgeFact, 'id', 'KnowledgeFact', id);
    const statusReason = requiredText('reason', reason, 2_000);
    return agentsService.archive(ctx, 'KnowledgeFact', async (tx) => {
      const before = await lockActiveFact(tx, fact.id);
      const after = await tx.knowledgeFact.update({
        where: { id: fact.id },
        data: { status: 'deprecated', statusReason, statusChangedBy: ctx.actor, statusChangedAt: new Date() },
      });
      return { before, after };
    });
  },
  // The new fact (its creation is the write recorded) and the old one's change commit together, each with its audit row.
  supersedeFact: async (_, { id, reason, input }, ctx) => {
    const old = await referencedRow(ctx.loaders.rows.KnowledgeFact, 'id', 'KnowledgeFact', id);
    const data = await factData(ctx, input);
    if (data.subjectId !== old.subjectId) throw badUserInput('subjectId', `must be the superseded fact's subject (${old.subjectId})`);
    const statusReason = requiredText('reason', reason ?? 'superseded by a newer fact', 2_000);
    return writeAndRecord(ctx, 'KnowledgeFact', 'create', async (tx) => {
      const before = await lockActiveFact(tx, old.id);
      const created = await knowledgeFactSpec.insert(tx, newRowColumns(ctx, 'KnowledgeFact'), data);
      const after = await tx.knowledgeFact.update({
        where: { id: old.id },
        data: { status: 'superseded', supersededById: created.id, statusReason, statusChangedBy: ctx.actor, statusChangedAt: new Date() },
      });
      await recordChange(tx, ctx, { entityType: 'KnowledgeFact', entityId: old.externalId, action: 'update', before, after });
      return { after: created };
    });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const knowledgeFactModule = schemaModule(new URL('./knowledgeFact.graphql', import.meta.url), {
  Query: KnowledgeFactQueries,
  Mutation: KnowledgeFactMutations,
  KnowledgeFact,
} satisfies Resolvers);
