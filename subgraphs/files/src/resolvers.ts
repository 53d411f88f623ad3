import { scalarResolvers, schemaModule, subgraphModules, upperCaseEnum } from '@wrk/platform';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import * as storedEnums from './__generated__/prisma/enums.ts';
import { boxItemModule } from './entities/boxItem/resolvers.ts';
import { boxWebhookEventModule } from './entities/boxWebhookEvent/resolvers.ts';
import { kbChunkModule } from './entities/kbChunk/resolvers.ts';
import { FILES_ENTITIES } from './entities/names.ts';
import { documentOwnerModule } from './entities/documentOwner/resolvers.ts';
import { projectDocumentModule } from './entities/projectDocument/resolvers.ts';

/** The header's resolvers: scalars, GraphQL enum values (UPPER_CASE) ↔ the stored Prisma values. */
const header: Resolvers = {
  ...scalarResolvers,
  ...Object.fromEntries(FILES_ENTITIES.enums.map((name) => [name, upperCaseEnum(storedEnums[name])])),
};

/** The subgraph's modules: the header's, then each entity folder's (checked against the schema files on disk). */
export const modules = subgraphModules(new URL('../', import.meta.url), [
  schemaModule(new URL('../schema.graphql', import.meta.url), header),
  boxItemModule,
  boxWebhookEventModule,
  kbChunkModule,
  documentOwnerModule,
  projectDocumentModule,
]);
