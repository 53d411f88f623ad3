import { scalarResolvers } from '@wrk/platform';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { ApiToken, ApiTokenMutations, ApiTokenQueries } from './ApiToken.ts';
import { EntityPermission, EntityPermissionMutations, EntityPermissionQueries } from './EntityPermission.ts';
import { enumResolvers } from './enums.ts';
import { Team, TeamMutations, TeamQueries } from './Team.ts';
import { User, UserMutations, UserQueries } from './User.ts';

export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  ...enumResolvers,
  Query: { ...UserQueries, ...TeamQueries, ...EntityPermissionQueries, ...ApiTokenQueries },
  Mutation: { ...UserMutations, ...TeamMutations, ...ApiTokenMutations, ...EntityPermissionMutations },
  User,
  Team,
  EntityPermission,
  ApiToken,
};
