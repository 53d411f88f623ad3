import { userSpec } from './spec.ts';
import { identityService } from '../service.ts';
import { attribution, badUserInput, email, listPage, notFound, schemaModule } from '@wrk/platform';
import { byIdFields, expectIdOf } from '@wrk/catalog/ids';
import type { Context } from '../../context.ts';
import type { MutationResolvers, QueryResolvers, Resolvers, UpdateUserInput, UserResolvers } from '../../__generated__/resolvers-types.ts';
import { requireAdministrator, userToChange, type UserChanges } from '../../admins.ts';
import { userDataAccess } from '../../userData.ts';

const byId = byIdFields('User', (ctx: Context) => ctx.loaders.user);

export const User: UserResolvers = {
  id: (user) => user.externalId,
  email: (user, _, ctx) => (userDataAccess(ctx.claims, user).email ? user.email : null),
  boxUserId: (user, _, ctx) => (userDataAccess(ctx.claims, user).boxUserId ? user.boxUserId : null),
  teams: async (user, _, ctx) => (await ctx.loaders.teamsOfUser.load(user.id)).map((membership) => membership.team),
  __resolveReference: byId.resolveReference,
};

export const UserQueries: QueryResolvers = {
  me: (_, __, ctx) => (ctx.claims.sub ? ctx.loaders.user.load(ctx.claims.sub) : null),
  user: byId.byId,
  users: (_, args, ctx) => listPage(ctx.db.user, { list: 'Query.users', args, where: {}, orderBy: [{ field: 'name', direction: 'asc' }] }),
};

function name(value: string): string {
  const text = value.trim();
  if (!text || text.length > 200) throw badUserInput('name', 'must be 1 to 200 characters');
  return text;
}

/** The columns an update sets: omitted (or null) fields keep their value. */
function userChanges(input: UpdateUserInput): UserChanges {
  return {
    ...(input.role != null ? { role: input.role } : {}),
    ...(input.name != null ? { name: name(input.name) } : {}),
    ...(input.disabled != null ? { authState: input.disabled ? 'disabled' : 'active' } : {}),
  };
}

export const UserMutations: MutationResolvers = {
  createUser: (_, { input }, ctx) =>
    identityService.create(ctx, userSpec, {
      email: email('email', input.email),
      name: name(input.name),
      role: input.role ?? 'staff',
      boxUserId: input.boxUserId?.trim() || null,
    }),
  updateUser: (_, { id, input }, ctx) => {
    requireAdministrator(ctx.claims);
    const externalId = expectIdOf('User', id);
    const changes = userChanges(input);
    return identityService.change(ctx, userSpec, 'update', async (tx) => {
      const before = await userToChange(tx, externalId, changes);
      if (!before) throw notFound(id);
      return { before, after: await tx.user.update({ where: { id: before.id }, data: { ...changes, ...attribution(ctx) } }) };
    });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const userModule = schemaModule(new URL('./user.graphql', import.meta.url), {
  Query: UserQueries,
  Mutation: UserMutations,
  User,
} satisfies Resolvers);
