import { entityPermissionSpec } from './spec.ts';
import { identityService } from '../service.ts';
import { badUserInput, found, notFound, schemaModule } from '@wrk/platform';
import { expectIdOf, typeOfIdOrThrow } from '@wrk/catalog/ids';
import type { EntityPermissionResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { UserRole } from '../../__generated__/prisma/enums.ts';
import type { SubjectType } from '../../__generated__/prisma/enums.ts';

export const EntityPermission: EntityPermissionResolvers = {
  id: (permission) => permission.externalId,
  __resolveReference: async (ref, ctx) => found(await ctx.db.entityPermission.findUnique({ where: { externalId: ref.id } }), ref.id),
};

export const EntityPermissionQueries: QueryResolvers = {
  entityPermissions: (_, { entityId }, ctx) => {
    typeOfIdOrThrow(entityId);
    return ctx.loaders.permissionsOfEntity.load(entityId);
  },
};

async function checkSubject(ctx: Context, subjectType: SubjectType, subjectId: string) {
  if (subjectType === 'role') {
    if (!Object.values(UserRole).some((role) => role === subjectId)) throw badUserInput('subjectId', 'is not a role');
    return;
  }
  const typename = subjectType === 'user' ? 'User' : 'Team';
  const loader = subjectType === 'user' ? ctx.loaders.user : ctx.loaders.team;
  if (!(await loader.load(expectIdOf(typename, subjectId)))) throw notFound(subjectId, { field: 'subjectId' });
}

export const EntityPermissionMutations: MutationResolvers = {
  grantPermission: async (_, { input }, ctx) => {
    const entityType = typeOfIdOrThrow(input.entityId);
    await checkSubject(ctx, input.subjectType, input.subjectId);
    const grant = {
      entityType: entityType.typename,
      entityId: input.entityId,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      permission: input.permission,
      grantedBy: ctx.actor,
    };
    return identityService.create(ctx, entityPermissionSpec, grant, 'grant');
  },
  revokePermission: async (_, { id }, ctx) => {
    const existing = found(await ctx.db.entityPermission.findUnique({ where: { externalId: expectIdOf('EntityPermission', id) } }), id);
    return identityService.change(ctx, entityPermissionSpec, 'revoke', async (tx) => {
      await tx.entityPermission.delete({ where: { id: existing.id } });
      return { before: existing, after: existing };
    });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const entityPermissionModule = schemaModule(new URL('./entityPermission.graphql', import.meta.url), {
  Query: EntityPermissionQueries,
  Mutation: EntityPermissionMutations,
  EntityPermission,
} satisfies Resolvers);
