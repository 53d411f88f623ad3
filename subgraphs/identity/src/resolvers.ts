import { scalarResolvers, schemaModule, subgraphModules, upperCaseEnums } from '@wrk/platform';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import * as storedEnums from './__generated__/prisma/enums.ts';
import { apiTokenModule } from './entities/apiToken/resolvers.ts';
import { entityPermissionModule } from './entities/entityPermission/resolvers.ts';
import { IDENTITY_ENTITIES } from './entities/names.ts';
import { teamModule } from './entities/team/resolvers.ts';
import { userModule } from './entities/user/resolvers.ts';

/** The header's resolvers: scalars, GraphQL enum values (UPPER_CASE) ↔ the stored Prisma values. */
const header: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  ...upperCaseEnums(IDENTITY_ENTITIES.enums, storedEnums),
};

/** The subgraph's modules: the header's, then each entity folder's (checked against the schema files on disk). */
export const modules = subgraphModules(new URL('../', import.meta.url), [
  schemaModule(new URL('../schema.graphql', import.meta.url), header),
  apiTokenModule,
  entityPermissionModule,
  teamModule,
  userModule,
]);
