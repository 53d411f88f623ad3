import { badUserInput, dateOrNull, found, listPage, optionalText, requiredText, writeAndRecord } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, QueryResolvers, TripResolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { archiveRow, changes, updateRow } from '../../entityWrites.ts';
import { listWhere, oneOf, orderOf, relatedThrough, searchIn } from '../../lists.ts';
import { coreEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const Trip: TripResolvers = {
  ...coreEntityFields,
  projects: edgesOf('ProjectTrip', 'right'),
  travelers: edgesOf('TripUser', 'left'),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.trip.load(ref.id), ref.id),
};

const ORDER = { STARTS_ON: 'startsOn?', TITLE: 'title', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' };

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
      orderBy: orderOf(orderBy, ORDER, [{ field: 'startsOn', direction: 'desc', nullable: true }]),
    }),
};

const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  destination: (value: string | null) => optionalText('destination', value, 500),
  status: (value: 'planned' | 'booked' | 'completed' | 'cancelled' | null) => value ?? 'planned',
  startsOn: dateOrNull,
  endsOn: dateOrNull,
};

function checkDates(startsOn: Date | null, endsOn: Date | null) {
  if (startsOn && endsOn && endsOn < startsOn) throw badUserInput('endsOn', 'must not be before startsOn');
}

const load = async (ctx: Context, id: string) => found(await ctx.loaders.trip.load(expectIdOf('Trip', id)), id);

export const TripMutations: MutationResolvers = {
  createTrip: (_, { input }, ctx) => {
    const data = changes(input, fields);
    checkDates((data.startsOn as Date) ?? null, (data.endsOn as Date) ?? null);
    return writeAndRecord(ctx, 'Trip', 'create', async (tx) => ({
      after: await tx.trip.create({ data: { ...newRowColumns(ctx, 'Trip'), title: fields.title(input.title), ...data } }),
    }));
  },
  updateTrip: async (_, { id, input }, ctx) => {
    const existing = await load(ctx, id);
    const data = changes(input, fields);
    checkDates(
      data.startsOn === undefined ? existing.startsOn : (data.startsOn as Date | null),
      data.endsOn === undefined ? existing.endsOn : (data.endsOn as Date | null),
    );
    return updateRow(ctx, 'Trip', existing, (tx) => tx.trip, data);
  },
  archiveTrip: async (_, { id }, ctx) => archiveRow(ctx, 'Trip', await load(ctx, id), (tx) => tx.trip),
};
