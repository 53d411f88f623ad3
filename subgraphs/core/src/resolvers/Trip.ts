import { badUserInput, found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, QueryResolvers, TripResolvers } from '../__generated__/resolvers-types.ts';
import { coreEntityFields } from '../nodes.ts';
import { newRowColumns, writeAndRecord } from '../writes.ts';
import { dateOrNull, optionalText, requiredText } from '../inputs.ts';

export const Trip: TripResolvers = {
  ...coreEntityFields,
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.trip.load(ref.id), ref.id),
};

export const TripQueries: QueryResolvers = {
  trip: async (_, { id }, ctx) => found(await ctx.loaders.trip.load(expectIdOf('Trip', id)), id),
  trips: (_, args, ctx) => listPage(ctx.db.trip, args, ctx.loaders.visible.open, [{ startsOn: 'desc' }]),
};

export const TripMutations: MutationResolvers = {
  createTrip: (_, { input }, ctx) => {
    const startsOn = dateOrNull(input.startsOn);
    const endsOn = dateOrNull(input.endsOn);
    if (startsOn && endsOn && endsOn < startsOn) throw badUserInput('endsOn', 'must not be before startsOn');
    return writeAndRecord(ctx, 'Trip', 'create', async (tx) => ({
      after: await tx.trip.create({
        data: {
          ...newRowColumns(ctx, 'Trip'),
          title: requiredText('title', input.title),
          destination: optionalText('destination', input.destination, 500),
          status: input.status ?? 'planned',
          startsOn,
          endsOn,
        },
      }),
    }));
  },
};
