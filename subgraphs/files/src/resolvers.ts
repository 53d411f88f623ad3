import { scalarResolvers, upperCaseEnum } from '@wrk/platform';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import * as storedEnums from './__generated__/prisma/enums.ts';
import { BoxItem, BoxItemQueries, BoxPermission } from './entities/boxItem/resolvers.ts';
import { BoxWebhookEvent, BoxWebhookEventQueries } from './entities/boxWebhookEvent/resolvers.ts';
import { KbChunk, KbChunkMutations, KbChunkQueries, SearchHit } from './entities/kbChunk/resolvers.ts';
import { FILES_ENTITIES } from './entities/names.ts';
import { documentOwnerResolvers } from './entities/documentOwner/resolvers.ts';
import { ProjectDocument, ProjectDocumentMutations, ProjectDocumentQueries } from './entities/projectDocument/resolvers.ts';

/** The subgraph's resolvers: each entity folder's, GraphQL enum values (UPPER_CASE) ↔ the stored Prisma values. */
export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...Object.fromEntries(FILES_ENTITIES.enums.map((name) => [name, upperCaseEnum(storedEnums[name])])),
  Query: {
    ...BoxItemQueries,
    ...ProjectDocumentQueries,
    ...KbChunkQueries,
    ...BoxWebhookEventQueries,
  },
  Mutation: {
    ...ProjectDocumentMutations,
    ...KbChunkMutations,
  },
  BoxItem,
  BoxPermission,
  SearchHit,
  ProjectDocument,
  KbChunk,
  BoxWebhookEvent,
  ...documentOwnerResolvers,
};
