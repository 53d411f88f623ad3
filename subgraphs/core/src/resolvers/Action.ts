import { found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { ActionResolvers, MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { coreEntityFields, userRef } from '../nodes.ts';
import { newRowColumns, writeAndRecord } from '../writes.ts';
import { dateOrNull, optionalReferencedRow, requiredText } from '../inputs.ts';

export const Action: ActionResolvers = {
  ...coreEntityFields,
  assignee: (action) => userRef(action.assigneeUserId),
  creator: (action) => userRef(action.creatorUserId),
  meeting: (action, _, ctx) => (action.meetingId ? ctx.loaders.meetingById.load(action.meetingId) : null),
  project: (action, _, ctx) => (action.projectId ? ctx.loaders.projectById.load(action.projectId) : null),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.action.load(ref.id), ref.id),
};

export const ActionQueries: QueryResolvers = {
  action: async (_, { id }, ctx) => found(await ctx.loaders.action.load(expectIdOf('Action', id)), id),
  actions: (_, args, ctx) => listPage(ctx.db.action, args, ctx.loaders.visible.open, [{ dueOn: 'asc' }]),
};

export const ActionMutations: MutationResolvers = {
  createAction: async (_, { input }, ctx) => {
    const [meeting, project] = await Promise.all([
      optionalReferencedRow(ctx, 'meetingId', 'Meeting', 'meeting', input.meetingId),
      optionalReferencedRow(ctx, 'projectId', 'Project', 'project', input.projectId),
    ]);
    const assigneeUserId = input.assigneeId ? expectIdOf('User', input.assigneeId) : null;
    return writeAndRecord(ctx, 'Action', 'create', async (tx) => ({
      after: await tx.action.create({
        data: {
          ...newRowColumns(ctx, 'Action'),
          title: requiredText('title', input.title),
          status: input.status ?? 'open',
          dueOn: dateOrNull(input.dueOn),
          assigneeUserId,
          creatorUserId: ctx.claims.sub ?? null,
          meetingId: meeting?.id ?? null,
          projectId: project?.id ?? null,
        },
      }),
    }));
  },
};
