import { dateOrNull, found, listPage, optionalText, requiredText, writeAndRecord } from '@wrk/platform';
import { expectIdOf, optionalReferencedRow } from '@wrk/catalog/ids';
import type { DecisionResolvers, MutationResolvers, QueryResolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { archiveRow, changes, updateRow } from '../../entityWrites.ts';
import { byExternalId, listWhere, orderOf, searchIn } from '../../lists.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const Decision: DecisionResolvers = {
  ...ownedEntityFields,
  meeting: (decision, _, ctx) => (decision.meetingId ? ctx.loaders.meetingById.load(decision.meetingId) : null),
  project: (decision, _, ctx) => (decision.projectId ? ctx.loaders.projectById.load(decision.projectId) : null),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.decision.load(ref.id), ref.id),
};

const ORDER = { DECIDED_ON: 'decidedOn?', TITLE: 'title', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' };

export const DecisionQueries: QueryResolvers = {
  decision: async (_, { id }, ctx) => found(await ctx.loaders.decision.load(expectIdOf('Decision', id)), id),
  decisions: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.decision, {
      list: 'Query.decisions',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'decision', filter, [
        searchIn(['title', 'summary'], filter?.search),
        byExternalId(ctx, 'meeting', 'meeting', filter?.meetingId),
        byExternalId(ctx, 'project', 'project', filter?.projectId),
      ]),
      orderBy: orderOf(orderBy, ORDER, [{ field: 'decidedOn', direction: 'desc', nullable: true }]),
    }),
};

const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  summary: (value: string | null) => optionalText('summary', value),
  decidedOn: dateOrNull,
  visibility: (value: 'internal' | 'restricted' | null) => value ?? 'internal',
};

async function references(ctx: Context, input: { meetingId?: string | null; projectId?: string | null }) {
  const data: Record<string, unknown> = {};
  if (input.meetingId !== undefined) {
    data.meetingId = (await optionalReferencedRow(ctx.loaders.meeting, 'meetingId', 'Meeting', input.meetingId))?.id ?? null;
  }
  if (input.projectId !== undefined) {
    data.projectId = (await optionalReferencedRow(ctx.loaders.project, 'projectId', 'Project', input.projectId))?.id ?? null;
  }
  return data;
}

const load = async (ctx: Context, id: string) => found(await ctx.loaders.decision.load(expectIdOf('Decision', id)), id);

export const DecisionMutations: MutationResolvers = {
  createDecision: async (_, { input }, ctx) => {
    const data = { ...changes(input, fields), ...(await references(ctx, input)) };
    return writeAndRecord(ctx, 'Decision', 'create', async (tx) => ({
      after: await tx.decision.create({
        data: { ...newRowColumns(ctx, 'Decision'), title: fields.title(input.title), ...data, ownerUserId: ctx.claims.sub ?? null },
      }),
    }));
  },
  updateDecision: async (_, { id, input }, ctx) => {
    const existing = await load(ctx, id);
    return updateRow(ctx, 'Decision', existing, (tx) => tx.decision, { ...changes(input, fields), ...(await references(ctx, input)) });
  },
  archiveDecision: async (_, { id }, ctx) => archiveRow(ctx, 'Decision', await load(ctx, id), (tx) => tx.decision),
};
