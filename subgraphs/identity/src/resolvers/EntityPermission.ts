import { found } from '@wrk/platform';
import type { EntityPermissionResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { typeOfIdOrThrow } from '@wrk/catalog/ids';

export const EntityPermission: EntityPermissionResolvers = {
  id: (permission) => permission.externalId,
  __resolveReference: async (ref, ctx) =>
    found(await ctx.db.entityPermission.findUnique({ where: { externalId: ref.id } }), ref.id),
};

export const EntityPermissionQueries: QueryResolvers = {
  entityPermissions: (_, { entityId }, ctx) => {
    typeOfIdOrThrow(entityId);
    return ctx.loaders.permissionsOfEntity.load(entityId);
  },
};
