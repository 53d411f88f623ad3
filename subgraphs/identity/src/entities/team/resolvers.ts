import { teamSpec } from './spec.ts';
import { identityService } from '../service.ts';
import { badUserInput, listPage, notFound, schemaModule } from '@wrk/platform';
import { byIdFields, expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, QueryResolvers, Resolvers, TeamResolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { requireAdministrator } from '../../admins.ts';

const byId = byIdFields('Team', (ctx: Context) => ctx.loaders.team);

export const Team: TeamResolvers = {
  id: (team) => team.externalId,
  members: async (team, _, ctx) => (await ctx.loaders.membersOfTeam.load(team.id)).map((membership) => membership.user),
  __resolveReference: byId.resolveReference,
};

export const TeamQueries: QueryResolvers = {
  team: byId.byId,
  teams: (_, args, ctx) => listPage(ctx.db.team, { list: 'Query.teams', args, where: {}, orderBy: [{ field: 'name', direction: 'asc' }] }),
};

async function teamAndUser(ctx: Context, teamId: string, userId: string) {
  const [team, user] = await Promise.all([
    ctx.loaders.team.load(expectIdOf('Team', teamId)),
    ctx.loaders.user.load(expectIdOf('User', userId)),
  ]);
  if (!team) throw notFound(teamId, { field: 'teamId' });
  if (!user) throw notFound(userId, { field: 'userId' });
  return { team, user };
}

function slug(value: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(value)) throw badUserInput('slug', 'must be lowercase letters, digits and dashes');
  return value;
}

export const TeamMutations: MutationResolvers = {
  createTeam: (_, { input }, ctx) => {
    const name = input.name.trim();
    if (!name) throw badUserInput('name', 'must not be empty');
    return identityService.create(ctx, teamSpec, { name, slug: slug(input.slug) });
  },
  addTeamMember: async (_, { teamId, userId, role }, ctx) => {
    const { team, user } = await teamAndUser(ctx, teamId, userId);
    return identityService.change(ctx, teamSpec, 'link', async (tx) => {
      await tx.teamMembership.create({
        data: { teamId: team.id, userId: user.id, role: role ?? 'member', actor: ctx.actor, sourceSystem: ctx.sourceSystem },
      });
      return { before: team, after: { ...team, addedMember: user.externalId } };
    });
  } /** Removing someone who is not a member changes nothing and records nothing, like revoking a revoked token. */,
  removeTeamMember: async (_, { teamId, userId }, ctx) => {
    requireAdministrator(ctx.claims);
    const { team, user } = await teamAndUser(ctx, teamId, userId);
    const membership = { teamId: team.id, userId: user.id };
    if (!(await ctx.db.teamMembership.count({ where: membership }))) return team;
    return identityService.change(ctx, teamSpec, 'unlink', async (tx) => {
      await tx.teamMembership.deleteMany({ where: membership });
      return { before: team, after: { ...team, removedMember: user.externalId } };
    });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const teamModule = schemaModule(new URL('./team.graphql', import.meta.url), {
  Query: TeamQueries,
  Mutation: TeamMutations,
  Team,
} satisfies Resolvers);
