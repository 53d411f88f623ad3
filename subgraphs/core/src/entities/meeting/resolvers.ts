import { badUserInput, dateOrNull, found, listPage, optionalText, requiredText, writeAndRecord } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MeetingResolvers, MutationResolvers, QueryResolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { archiveRow, changes, updateRow } from '../../entityWrites.ts';
import { listWhere, orderOf, relatedThrough, searchIn } from '../../lists.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const Meeting: MeetingResolvers = {
  ...ownedEntityFields,
  people: edgesOf('MeetingPerson', 'left'),
  organizations: edgesOf('MeetingOrganization', 'left'),
  projects: edgesOf('MeetingProject', 'left'),
  participants: edgesOf('MeetingUser', 'left'),
  actions: (meeting, _, ctx) => ctx.loaders.actionsByMeeting.load(meeting.id),
  decisions: (meeting, _, ctx) => ctx.loaders.decisionsByMeeting.load(meeting.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.meeting.load(ref.id), ref.id),
};

const ORDER = { STARTS_AT: 'startsAt', TITLE: 'title', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' };

export const MeetingQueries: QueryResolvers = {
  meeting: async (_, { id }, ctx) => found(await ctx.loaders.meeting.load(expectIdOf('Meeting', id)), id),
  meetings: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.meeting, {
      list: 'Query.meetings',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'meeting', filter, [
        searchIn(['title', 'location', 'notes'], filter?.search),
        filter?.from ? { startsAt: { gte: new Date(filter.from) } } : null,
        filter?.to ? { startsAt: { lt: new Date(filter.to) } } : null,
        relatedThrough(ctx, 'projects', 'project', filter?.projectId),
        relatedThrough(ctx, 'organizations', 'organization', filter?.organizationId),
        relatedThrough(ctx, 'people', 'person', filter?.personId),
      ]),
      orderBy: orderOf(orderBy, ORDER, [{ field: 'startsAt', direction: 'desc' }]),
    }),
};

const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  startsAt: (value: Date | string | null) => {
    if (!value) throw badUserInput('startsAt', 'is required');
    return new Date(value);
  },
  endsAt: dateOrNull,
  location: (value: string | null) => optionalText('location', value, 500),
  isExternal: (value: boolean | null) => value ?? false,
  notes: (value: string | null) => optionalText('notes', value),
  visibility: (value: 'internal' | 'restricted' | null) => value ?? 'internal',
};

function checkTimes(startsAt: Date, endsAt: Date | null) {
  if (endsAt && endsAt < startsAt) throw badUserInput('endsAt', 'must not be before startsAt');
}

const load = async (ctx: Context, id: string) => found(await ctx.loaders.meeting.load(expectIdOf('Meeting', id)), id);

export const MeetingMutations: MutationResolvers = {
  createMeeting: (_, { input }, ctx) => {
    const data = changes(input, fields);
    checkTimes(data.startsAt as Date, (data.endsAt as Date | null) ?? null);
    return writeAndRecord(ctx, 'Meeting', 'create', async (tx) => ({
      after: await tx.meeting.create({
        data: {
          ...newRowColumns(ctx, 'Meeting'),
          title: fields.title(input.title),
          startsAt: data.startsAt as Date,
          ...data,
          ownerUserId: ctx.claims.sub ?? null,
        },
      }),
    }));
  },
  updateMeeting: async (_, { id, input }, ctx) => {
    const existing = await load(ctx, id);
    const data = changes(input, fields);
    checkTimes((data.startsAt as Date) ?? existing.startsAt, data.endsAt === undefined ? existing.endsAt : (data.endsAt as Date | null));
    return updateRow(ctx, 'Meeting', existing, (tx) => tx.meeting, data);
  },
  archiveMeeting: async (_, { id }, ctx) => archiveRow(ctx, 'Meeting', await load(ctx, id), (tx) => tx.meeting),
};
