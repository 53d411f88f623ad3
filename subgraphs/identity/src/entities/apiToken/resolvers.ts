import { badUserInput, ErrorCode, found, graphQLError, notFound, schemaModule } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { ApiTokenResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { issueRecordedToken, revokeRecordedToken } from '../../tokens.ts';

const isAdmin = (ctx: Context) => ctx.claims.scopes.includes('identity:admin');

/** Only people manage tokens: an agent token cannot issue or revoke tokens. */
function requireStaff(ctx: Context) {
  if (ctx.claims.kind !== 'staff') throw graphQLError(ErrorCode.FORBIDDEN, 'Only staff tokens manage tokens');
}

export const ApiToken: ApiTokenResolvers = {
  id: (token) => token.externalId,
  user: async (token, _, ctx) => found(await ctx.loaders.userById.load(token.userId), `user of ${token.externalId}`),
  __resolveReference: async (ref, ctx) => {
    const token = await ctx.db.apiToken.findUnique({ where: { externalId: ref.id }, include: { user: true } });
    return token && (isAdmin(ctx) || token.user.externalId === ctx.claims.sub) ? token : null;
  },
};

export const ApiTokenQueries: QueryResolvers = {
  tokens: (_, __, ctx) =>
    ctx.db.apiToken.findMany({
      where: isAdmin(ctx) ? {} : { user: { externalId: ctx.claims.sub ?? '' } },
      orderBy: { id: 'desc' },
      take: 200,
    }),
};

export const ApiTokenMutations: MutationResolvers = {
  createToken: async (_, { input }, ctx) => {
    requireStaff(ctx);
    const userId = input.userId ? expectIdOf('User', input.userId) : ctx.claims.sub;
    if (!userId) throw badUserInput('userId', 'is required');
    const forSomeoneElse = userId !== ctx.claims.sub;
    if ((forSomeoneElse || !input.agentName) && !isAdmin(ctx)) {
      throw graphQLError(ErrorCode.FORBIDDEN, 'Only admins issue staff tokens or tokens for other users');
    }
    const user = found(await ctx.loaders.user.load(userId), userId);
    return issueRecordedToken(ctx, { ...input, user });
  },
  revokeToken: async (_, { id }, ctx) => {
    requireStaff(ctx);
    const existing = await ctx.db.apiToken.findUnique({ where: { externalId: expectIdOf('ApiToken', id) }, include: { user: true } });
    if (!existing || (!isAdmin(ctx) && existing.user.externalId !== ctx.claims.sub)) throw notFound(id);
    return revokeRecordedToken(ctx, existing);
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const apiTokenModule = schemaModule(new URL('./apiToken.graphql', import.meta.url), {
  Query: ApiTokenQueries,
  Mutation: ApiTokenMutations,
  ApiToken,
} satisfies Resolvers);
