import { found, listPage, schemaModule } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { BoxWebhookEventResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';

export const BoxWebhookEvent: BoxWebhookEventResolvers = {
  id: (event) => event.externalId,
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.boxWebhookEvent.load(ref.id), ref.id),
};

export const BoxWebhookEventQueries: QueryResolvers = {
  boxWebhookEvent: async (_, { id }, ctx) => found(await ctx.loaders.boxWebhookEvent.load(expectIdOf('BoxWebhookEvent', id)), id),
  /** Newest deliveries first; the raw integration log is for admins (and the platform) only. */
  boxWebhookEvents: (_, args, ctx) =>
    listPage(ctx.db.boxWebhookEvent, {
      list: 'Query.boxWebhookEvents',
      args,
      where: ctx.loaders.lists.boxWebhookEventsWhere,
      orderBy: [{ field: 'receivedAt', direction: 'desc' }],
    }),
};

/** The entity's module: its schema fragment and its resolvers. */
export const boxWebhookEventModule = schemaModule(new URL('./boxWebhookEvent.graphql', import.meta.url), {
  Query: BoxWebhookEventQueries,
  BoxWebhookEvent,
} satisfies Resolvers);
