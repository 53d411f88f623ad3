import {
  badUserInput,
  dateOrNull,
  ErrorCode,
  found,
  graphQLError,
  notFound,
  requiredText,
  schemaModule,
  seesEverything,
  writeAndRecord,
} from '@wrk/platform';
import type { Context } from '../../context.ts';
import { expectIdOf } from '@wrk/catalog/ids';
import type { BoxItemResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { boxId, conflict, optionalBoxId, optionalByteCount } from '../../inputs.ts';
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

/**
 * Mirroring an item takes access to its parent folder: a folder the caller cannot see answers like a missing one
 * (NOT_FOUND). A top-level item has no folder whose ACL could vouch for the caller: admins and the platform only.
 */
async function assertMayPlaceIn(parentBoxFolderId: string | null, ctx: Context): Promise<void> {
  if (parentBoxFolderId === null) {
    if (seesEverything(ctx.claims)) return;
    throw graphQLError(ErrorCode.FORBIDDEN, 'Only admins may mirror a Box item outside any folder', { field: 'parentBoxFolderId' });
  }
  const parent = await ctx.loaders.boxItemByBoxId.load(parentBoxFolderId);
  if (!parent) throw notFound(parentBoxFolderId, { field: 'parentBoxFolderId' });
  if (parent.boxItemType !== 'folder') throw badUserInput('parentBoxFolderId', `${parent.externalId} is not a folder`);
}

export const BoxItemMutations: MutationResolvers = {
  createBoxItem: async (_, { input }, ctx) => {
    const boxItemId = boxId('boxItemId', input.boxItemId);
    const name = requiredText('name', input.name, 255);
    const parentBoxFolderId = optionalBoxId('parentBoxFolderId', input.parentBoxFolderId);
    if (parentBoxFolderId === boxItemId) throw badUserInput('parentBoxFolderId', 'an item cannot be its own parent');
    const sizeBytes = optionalByteCount('sizeBytes', input.sizeBytes);
    await assertMayPlaceIn(parentBoxFolderId, ctx);
    // Only now, to a caller with access to the folder: a mirror of this Box ID exists. Said the same way whether
    // or not they may see it, and without naming it — a second mirror cannot be created, so this much is unavoidable.
    if (await ctx.loaders.mirroredBoxItem.load(boxItemId)) throw conflict('boxItemId', `Box item ${boxItemId} is already mirrored`);
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

/** The entity's module: its schema fragment and its resolvers. */
export const boxItemModule = schemaModule(new URL('./boxItem.graphql', import.meta.url), {
  Query: BoxItemQueries,
  Mutation: BoxItemMutations,
  BoxItem,
} satisfies Resolvers);
