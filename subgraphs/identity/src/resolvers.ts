import { scalarResolvers, upperCaseEnum } from '@wrk/platform';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import * as storedEnums from './__generated__/prisma/enums.ts';
import { ApiToken, ApiTokenMutations, ApiTokenQueries } from './entities/apiToken/resolvers.ts';
import { EntityPermission, EntityPermissionMutations, EntityPermissionQueries } from './entities/entityPermission/resolvers.ts';
import { IDENTITY_ENTITIES } from './entities/names.ts';
import { Team, TeamMutations, TeamQueries } from './entities/team/resolvers.ts';
import { User, UserMutations, UserQueries } from './entities/user/resolvers.ts';

/** The subgraph's resolvers: each entity folder's, GraphQL enum values (UPPER_CASE) ↔ the stored Prisma values. */
export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  ...Object.fromEntries(IDENTITY_ENTITIES.enums.map((name) => [name, upperCaseEnum(storedEnums[name])])),
  Query: { ...UserQueries, ...TeamQueries, ...EntityPermissionQueries, ...ApiTokenQueries },
  Mutation: { ...UserMutations, ...TeamMutations, ...ApiTokenMutations, ...EntityPermissionMutations },
  User,
  Team,
  EntityPermission,
  ApiToken,
};
