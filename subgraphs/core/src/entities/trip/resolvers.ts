import { badUserInput, found, listPage, schemaModule } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, QueryResolvers, TripResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { listWhere, oneOf, orderOf, relatedThrough, searchIn } from '../../lists.ts';
import { coreEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { after, changes } from '../fields.ts';
import { entityService } from '../service.ts';
import { fields, trip } from './spec.ts';

const trips = entityService(trip, (ctx) => ctx.loaders.trip);

export const Trip: TripResolvers = {
  ...coreEntityFields,
  projects: edgesOf('ProjectTrip', 'right'),
  travelers: edgesOf('TripUser', 'left'),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.trip.load(ref.id), ref.id),
};

export const TripQueries: QueryResolvers = {
  trip: async (_, { id }, ctx) => found(await ctx.loaders.trip.load(expectIdOf('Trip', id)), id),
  trips: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.trip, {
      list: 'Query.trips',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'trip', filter, [
        searchIn(['title', 'destination'], filter?.search),
        oneOf('status', filter?.status),
        relatedThrough(ctx, 'projects', 'project', filter?.projectId),
      ]),
      orderBy: orderOf(orderBy, trip.order),
    }),
};

function checkDates(startsOn: Date | null, endsOn: Date | null) {
  if (startsOn && endsOn && endsOn < startsOn) throw badUserInput('endsOn', 'must not be before startsOn');
}

export const TripMutations: MutationResolvers = {
  createTrip: (_, { input }, ctx) => {
    const data = changes(input, fields);
    checkDates(data.startsOn ?? null, data.endsOn ?? null);
    return trips.create(ctx, { title: fields.title(input.title), ...data });
  },
  updateTrip: async (_, { id, input }, ctx) => {
    const existing = await trips.load(ctx, id);
    const data = changes(input, fields);
    checkDates(after(data.startsOn, existing.startsOn), after(data.endsOn, existing.endsOn));
    return trips.update(ctx, existing, data);
  },
  archiveTrip: (_, { id }, ctx) => trips.archive(ctx, id),
};

/** The entity's module: its schema fragment and its resolvers. */
export const tripModule = schemaModule(new URL('./trip.graphql', import.meta.url), {
  Query: TripQueries,
  Mutation: TripMutations,
  Trip,
} satisfies Resolvers);
