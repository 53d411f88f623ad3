import { notFound, schemaModule } from '@wrk/platform';
import { expectIdOf, optionalReferencedRow } from '@wrk/catalog/ids';
import type { ActionResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { byExternalId, oneOf, searchIn } from '../../lists.ts';
import { coreEntityFields, userRef } from '../../nodes.ts';
import { changes } from '../fields.ts';
import { entityRootFields } from '../rootFields.ts';
import { action, fields } from './spec.ts';

const actions = entityRootFields(
  action,
  (ctx) => ctx.loaders.action,
  (ctx) => ctx.db.action,
);

export const Action: ActionResolvers = {
  ...coreEntityFields,
  assignee: (row) => userRef(row.assigneeUserId),
  creator: (row) => userRef(row.creatorUserId),
  meeting: (row, _, ctx) => (row.meetingId ? ctx.loaders.meetingById.load(row.meetingId) : null),
  project: (row, _, ctx) => (row.projectId ? ctx.loaders.projectById.load(row.projectId) : null),
  __resolveReference: actions.resolveReference,
};

export const ActionQueries: QueryResolvers = {
  action: actions.byId,
  actions: actions.list((ctx, filter) => [
    searchIn(['title'], filter.search),
    oneOf('status', filter.status),
    filter.assigneeId ? { assigneeUserId: filter.assigneeId } : null,
    byExternalId(ctx, 'meeting', 'meeting', filter.meetingId),
    byExternalId(ctx, 'project', 'project', filter.projectId),
    filter.dueBefore ? { dueOn: { lte: new Date(filter.dueBefore) } } : null,
  ]),
};

/** The assignee (checked at identity: exists and visible), meeting and project an input names. */
async function references(ctx: Context, input: { assigneeId?: string | null; meetingId?: string | null; projectId?: string | null }) {
  if (input.assigneeId && !(await ctx.loaders.existsAtOwner.load(expectIdOf('User', input.assigneeId)))) {
    throw notFound(input.assigneeId, { field: 'assigneeId' });
  }
  const meeting =
    input.meetingId === undefined ? undefined : await optionalReferencedRow(ctx.loaders.meeting, 'meetingId', 'Meeting', input.meetingId);
  const project =
    input.projectId === undefined ? undefined : await optionalReferencedRow(ctx.loaders.project, 'projectId', 'Project', input.projectId);
  return {
    ...(input.assigneeId !== undefined && { assigneeUserId: input.assigneeId ?? null }),
    ...(meeting !== undefined && { meetingId: meeting?.id ?? null }),
    ...(project !== undefined && { projectId: project?.id ?? null }),
  };
}

export const ActionMutations: MutationResolvers = {
  createAction: async (_, { input }, ctx) => {
    const data = { ...changes(input, fields), ...(await references(ctx, input)) };
    return actions.service.create(ctx, { title: fields.title(input.title), ...data, creatorUserId: ctx.claims.sub ?? null });
  },
  updateAction: async (_, { id, input }, ctx) => {
    const existing = await actions.service.load(ctx, id);
    return actions.service.update(ctx, existing, { ...changes(input, fields), ...(await references(ctx, input)) });
  },
  archiveAction: actions.archive,
};

/** The entity's module: its schema fragment and its resolvers. */
export const actionModule = schemaModule(new URL('./action.graphql', import.meta.url), {
  Query: ActionQueries,
  Mutation: ActionMutations,
  Action,
} satisfies Resolvers);
