import { dateOrder, schemaModule } from '@wrk/platform';
import type { MutationResolvers, QueryResolvers, TripResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { oneOf, relatedThrough, searchIn } from '../../lists.ts';
import { coreEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { after, changes } from '../fields.ts';
import { entityRootFields } from '../rootFields.ts';
import { fields, trip } from './spec.ts';

const TRIP_DATES = { start: 'startsOn', end: 'endsOn' };

const trips = entityRootFields(
  trip,
  (ctx) => ctx.loaders.trip,
  (ctx) => ctx.db.trip,
);

export const Trip: TripResolvers = {
  ...coreEntityFields,
  projects: edgesOf('ProjectTrip', 'right'),
  travelers: edgesOf('TripUser', 'left'),
  __resolveReference: trips.resolveReference,
};

export const TripQueries: QueryResolvers = {
  trip: trips.byId,
  trips: trips.list((ctx, filter) => [
    searchIn(['title', 'destination'], filter.search),
    oneOf('status', filter.status),
    relatedThrough(ctx, 'projects', 'project', filter.projectId),
  ]),
};

export const TripMutations: MutationResolvers = {
  createTrip: (_, { input }, ctx) => {
    const data = changes(input, fields);
    dateOrder(data.startsOn ?? null, data.endsOn ?? null, TRIP_DATES);
    return trips.service.create(ctx, { title: fields.title(input.title), ...data });
  },
  updateTrip: async (_, { id, input }, ctx) => {
    const existing = await trips.service.load(ctx, id);
    const data = changes(input, fields);
    dateOrder(after(data.startsOn, existing.startsOn), after(data.endsOn, existing.endsOn), TRIP_DATES);
    return trips.service.update(ctx, existing, data);
  },
  archiveTrip: trips.archive,
};

/** The entity's module: its schema fragment and its resolvers. */
export const tripModule = schemaModule(new URL('./trip.graphql', import.meta.url), {
  Query: TripQueries,
  Mutation: TripMutations,
  Trip,
} satisfies Resolvers);
