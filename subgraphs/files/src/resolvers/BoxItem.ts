import { badUserInput, dateOrNull, found, requiredText, writeAndRecord } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { BoxItemResolvers, MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { boxId, conflict, optionalBoxId, optionalByteCount } from '../inputs.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const BoxItem: BoxItemResolvers = {
  id: (item) => item.externalId,
  type: (item) => item.boxItemType,
  sizeBytes: (item) => (item.sizeBytes === null ? null : item.sizeBytes.toString()),
  parent: (item, _, ctx) => (item.parentBoxFolderId ? ctx.loaders.boxItemByBoxId.load(item.parentBoxFolderId) : null),
  documents: (item, _, ctx) => ctx.loaders.documentsByBoxItem.load(item.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.boxItem.load(ref.id), ref.id),
};

export const BoxItemQueries: QueryResolvers = {
  boxItem: async (_, { id }, ctx) => found(await ctx.loaders.boxItem.load(expectIdOf('BoxItem', id)), id),
  boxItems: (_, args, ctx) => ctx.loaders.lists.boxItems(args),
};

export const BoxItemMutations: MutationResolvers = {
  createBoxItem: async (_, { input }, ctx) => {
    const boxItemId = boxId('boxItemId', input.boxItemId);
    const name = requiredText('name', input.name, 255);
    const parentBoxFolderId = optionalBoxId('parentBoxFolderId', input.parentBoxFolderId);
    if (parentBoxFolderId === boxItemId) throw badUserInput('parentBoxFolderId', 'an item cannot be its own parent');
    const sizeBytes = optionalByteCount('sizeBytes', input.sizeBytes);
    const [existing, shown, parent] = await Promise.all([
      ctx.loaders.mirroredBoxItem.load(boxItemId),
      ctx.loaders.boxItemByBoxId.load(boxItemId),
      parentBoxFolderId ? ctx.loaders.boxItemByBoxId.load(parentBoxFolderId) : null,
    ]);
    // The mirror's ID is named only to whoever may see the item.
    if (existing) throw conflict('boxItemId', `Box item ${boxItemId} is already mirrored${shown ? ` as ${shown.externalId}` : ''}`);
    if (parent && parent.boxItemType !== 'folder') throw badUserInput('parentBoxFolderId', `${parent.externalId} is not a folder`);
    return writeAndRecord(ctx, 'BoxItem', 'create', async (tx) => ({
      after: await tx.boxItem.create({
        data: {
          ...newRowColumns(ctx, 'BoxItem'),
          boxItemId,
          boxItemType: input.type,
          name,
          parentBoxFolderId,
          modifiedAt: dateOrNull(input.modifiedAt),
          sizeBytes,
        },
      }),
    }));
  },
};
