import { dateOrNull, found, listPage, notFound, requiredText, writeAndRecord } from '@wrk/platform';
import { expectIdOf, optionalReferencedRow } from '@wrk/catalog/ids';
import type { ActionResolvers, MutationResolvers, QueryResolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { archiveRow, changes, updateRow } from '../../entityWrites.ts';
import { byExternalId, listWhere, oneOf, orderOf, searchIn } from '../../lists.ts';
import { coreEntityFields, userRef } from '../../nodes.ts';
import { newRowColumns } from '@wrk/catalog/rows';
import { ActionStatus } from '../../__generated__/prisma/enums.ts';

export const Action: ActionResolvers = {
  ...coreEntityFields,
  assignee: (action) => userRef(action.assigneeUserId),
  creator: (action) => userRef(action.creatorUserId),
  meeting: (action, _, ctx) => (action.meetingId ? ctx.loaders.meetingById.load(action.meetingId) : null),
  project: (action, _, ctx) => (action.projectId ? ctx.loaders.projectById.load(action.projectId) : null),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.action.load(ref.id), ref.id),
};

const ORDER = {
  DUE_ON: 'dueOn?',
  TITLE: 'title',
  STATUS: { field: 'status', enumValues: Object.values(ActionStatus) },
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
};

export const ActionQueries: QueryResolvers = {
  action: async (_, { id }, ctx) => found(await ctx.loaders.action.load(expectIdOf('Action', id)), id),
  actions: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.action, {
      list: 'Query.actions',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'action', filter, [
        searchIn(['title'], filter?.search),
        oneOf('status', filter?.status),
        filter?.assigneeId ? { assigneeUserId: filter.assigneeId } : null,
        byExternalId(ctx, 'meeting', 'meeting', filter?.meetingId),
        byExternalId(ctx, 'project', 'project', filter?.projectId),
        filter?.dueBefore ? { dueOn: { lte: new Date(filter.dueBefore) } } : null,
      ]),
      orderBy: orderOf(orderBy, ORDER, [{ field: 'dueOn', direction: 'asc', nullable: true }]),
    }),
};

const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  status: (value: 'open' | 'in_progress' | 'done' | 'cancelled' | null) => value ?? 'open',
  dueOn: dateOrNull,
};

/** The assignee (checked at identity: exists and visible), meeting and project an input names. */
async function references(
  ctx: Context,
  input: { assigneeId?: string | null; meetingId?: string | null; projectId?: string | null },
): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = {};
  if (input.assigneeId !== undefined) {
    if (input.assigneeId && !(await ctx.loaders.existsAtOwner.load(expectIdOf('User', input.assigneeId)))) {
      throw notFound(input.assigneeId, { field: 'assigneeId' });
    }
    data.assigneeUserId = input.assigneeId ?? null;
  }
  if (input.meetingId !== undefined) {
    data.meetingId = (await optionalReferencedRow(ctx.loaders.meeting, 'meetingId', 'Meeting', input.meetingId))?.id ?? null;
  }
  if (input.projectId !== undefined) {
    data.projectId = (await optionalReferencedRow(ctx.loaders.project, 'projectId', 'Project', input.projectId))?.id ?? null;
  }
  return data;
}

const load = async (ctx: Context, id: string) => found(await ctx.loaders.action.load(expectIdOf('Action', id)), id);

export const ActionMutations: MutationResolvers = {
  createAction: async (_, { input }, ctx) => {
    const data = { ...changes(input, fields), ...(await references(ctx, input)) };
    return writeAndRecord(ctx, 'Action', 'create', async (tx) => ({
      after: await tx.action.create({
        data: { ...newRowColumns(ctx, 'Action'), title: fields.title(input.title), ...data, creatorUserId: ctx.claims.sub ?? null },
      }),
    }));
  },
  updateAction: async (_, { id, input }, ctx) => {
    const existing = await load(ctx, id);
    return updateRow(ctx, 'Action', existing, (tx) => tx.action, { ...changes(input, fields), ...(await references(ctx, input)) });
  },
  archiveAction: async (_, { id }, ctx) => archiveRow(ctx, 'Action', await load(ctx, id), (tx) => tx.action),
};
