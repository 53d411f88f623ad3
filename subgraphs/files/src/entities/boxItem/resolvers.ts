import { found, schemaModule } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { BoxItemResolvers, BoxPermissionResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';

/** Box items are mirrored from Box by the sync and webhooks only: there is no mutation of them here. */
export const BoxItem: BoxItemResolvers = {
  id: (item) => item.externalId,
  type: (item) => item.boxItemType,
  sizeBytes: (item) => (item.sizeBytes === null ? null : item.sizeBytes.toString()),
  parent: (item, _, ctx) => (item.parentBoxFolderId ? ctx.loaders.boxItemByBoxId.load(item.parentBoxFolderId) : null),
  owner: async (item, _, ctx) => {
    if (!item.ownerBoxUserId) return null;
    const user = await ctx.loaders.boxUser.load(item.ownerBoxUserId);
    return { type: 'user', boxId: item.ownerBoxUserId, name: user?.name ?? null, login: user?.login ?? null };
  },
  sharedLink: (item) => item.sharedLink,
  permissions: (item, _, ctx) => ctx.loaders.permissionsByBoxItem.load(item.boxItemId),
  documents: (item, _, ctx) => ctx.loaders.documentsByBoxItem.load(item.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.boxItem.load(ref.id), ref.id),
};

export const BoxPermission: BoxPermissionResolvers = {
  principal: (row) => ({ type: row.principalType, boxId: row.principalId, name: row.principalName, login: row.principalLogin }),
  inherited: (row) => row.depth > 0,
  /** The item or folder the collaboration is set on, when the caller may see it. */
  from: (permission, _, ctx) => ctx.loaders.boxItemByBoxId.load(permission.fromBoxItemId),
};

export const BoxItemQueries: QueryResolvers = {
  boxItem: async (_, { id }, ctx) => found(await ctx.loaders.boxItem.load(expectIdOf('BoxItem', id)), id),
  boxItems: (_, args, ctx) => ctx.loaders.lists.boxItems(args),
};

/** The entity's module: its schema fragment and its resolvers. */
export const boxItemModule = schemaModule(new URL('./boxItem.graphql', import.meta.url), {
  Query: BoxItemQueries,
  BoxItem,
  BoxPermission,
} satisfies Resolvers);
