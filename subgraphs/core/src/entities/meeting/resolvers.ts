import { badUserInput, schemaModule } from '@wrk/platform';
import type { MeetingResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { relatedThrough, searchIn } from '../../lists.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { after, changes } from '../fields.ts';
import { entityRootFields } from '../rootFields.ts';
import { fields, meeting } from './spec.ts';

const meetings = entityRootFields(
  meeting,
  (ctx) => ctx.loaders.meeting,
  (ctx) => ctx.db.meeting,
);

export const Meeting: MeetingResolvers = {
  ...ownedEntityFields,
  people: edgesOf('MeetingPerson', 'left'),
  organizations: edgesOf('MeetingOrganization', 'left'),
  projects: edgesOf('MeetingProject', 'left'),
  participants: edgesOf('MeetingUser', 'left'),
  actions: (row, _, ctx) => ctx.loaders.actionsByMeeting.load(row.id),
  decisions: (row, _, ctx) => ctx.loaders.decisionsByMeeting.load(row.id),
  __resolveReference: meetings.resolveReference,
};

export const MeetingQueries: QueryResolvers = {
  meeting: meetings.byId,
  meetings: meetings.list((ctx, filter) => [
    searchIn(['title', 'location', 'notes'], filter.search),
    filter.from ? { startsAt: { gte: new Date(filter.from) } } : null,
    filter.to ? { startsAt: { lt: new Date(filter.to) } } : null,
    relatedThrough(ctx, 'projects', 'project', filter.projectId),
    relatedThrough(ctx, 'organizations', 'organization', filter.organizationId),
    relatedThrough(ctx, 'people', 'person', filter.personId),
  ]),
};

function checkTimes(startsAt: Date, endsAt: Date | null) {
  if (endsAt && endsAt < startsAt) throw badUserInput('endsAt', 'must not be before startsAt');
}

export const MeetingMutations: MutationResolvers = {
  createMeeting: (_, { input }, ctx) => {
    const data = changes(input, fields);
    const startsAt = fields.startsAt(input.startsAt);
    checkTimes(startsAt, data.endsAt ?? null);
    return meetings.service.create(ctx, { title: fields.title(input.title), startsAt, ...data, ownerUserId: ctx.claims.sub ?? null });
  },
  updateMeeting: async (_, { id, input }, ctx) => {
    const existing = await meetings.service.load(ctx, id);
    const data = changes(input, fields);
    checkTimes(data.startsAt ?? existing.startsAt, after(data.endsAt, existing.endsAt));
    return meetings.service.update(ctx, existing, data);
  },
  archiveMeeting: meetings.archive,
};

/** The entity's module: its schema fragment and its resolvers. */
export const meetingModule = schemaModule(new URL('./meeting.graphql', import.meta.url), {
  Query: MeetingQueries,
  Mutation: MeetingMutations,
  Meeting,
} satisfies Resolvers);
