import { scalarResolvers } from '@wrk/platform';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { EntityPermission, EntityPermissionQueries } from './EntityPermission.ts';
import { enumResolvers } from './enums.ts';
import { Team, TeamMutations, TeamQueries } from './Team.ts';
import { User, UserMutations, UserQueries } from './User.ts';

export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  ...enumResolvers,
  Query: { ...UserQueries, ...TeamQueries, ...EntityPermissionQueries },
  Mutation: { ...UserMutations, ...TeamMutations },
  User,
  Team,
  EntityPermission,
};
