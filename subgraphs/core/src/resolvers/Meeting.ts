import { badUserInput, found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MeetingResolvers, MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { ownedEntityFields } from '../nodes.ts';
import { newRowColumns, writeAndRecord } from '../writes.ts';
import { dateOrNull, optionalText, requiredText } from '../inputs.ts';

export const Meeting: MeetingResolvers = {
  ...ownedEntityFields,
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.meeting.load(ref.id), ref.id),
};

export const MeetingQueries: QueryResolvers = {
  meeting: async (_, { id }, ctx) => found(await ctx.loaders.meeting.load(expectIdOf('Meeting', id)), id),
  meetings: (_, args, ctx) => listPage(ctx.db.meeting, args, ctx.loaders.visible.restrictable, [{ startsAt: 'desc' }]),
};

export const MeetingMutations: MutationResolvers = {
  createMeeting: (_, { input }, ctx) => {
    const startsAt = new Date(input.startsAt);
    const endsAt = dateOrNull(input.endsAt);
    if (endsAt && endsAt < startsAt) throw badUserInput('endsAt', 'must not be before startsAt');
    return writeAndRecord(ctx, 'Meeting', 'create', async (tx) => ({
      after: await tx.meeting.create({
        data: {
          ...newRowColumns(ctx, 'Meeting'),
          title: requiredText('title', input.title),
          startsAt,
          endsAt,
          location: optionalText('location', input.location, 500),
          isExternal: input.isExternal ?? false,
          notes: optionalText('notes', input.notes),
          visibility: input.visibility ?? 'internal',
          ownerUserId: ctx.claims.sub ?? null,
        },
      }),
    }));
  },
};
