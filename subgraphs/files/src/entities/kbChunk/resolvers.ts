import { found, schemaModule } from '@wrk/platform';
import { expectIdOf, typeOfIdOrThrow } from '@wrk/catalog/ids';
import type {
  KbChunkResolvers,
  MutationResolvers,
  QueryResolvers,
  Resolvers,
  SearchHitResolvers,
} from '../../__generated__/resolvers-types.ts';
import { chunkService } from '../service.ts';
import { entityReference } from '../documentOwner/resolvers.ts';

export const KbChunk: KbChunkResolvers = {
  id: (chunk) => chunk.externalId,
  document: async (chunk, _, ctx) => found(await ctx.loaders.projectDocumentById.load(chunk.documentId), `document of ${chunk.externalId}`),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.kbChunk.load(ref.id), ref.id),
};

/** A hit is a visible chunk with its score and snippet: its document, item and entity follow it. */
export const SearchHit: SearchHitResolvers = {
  chunk: (hit) => hit,
  document: async (hit, _, ctx) => found(await ctx.loaders.projectDocumentById.load(hit.documentId), `document of ${hit.externalId}`),
  boxItem: async (hit, _, ctx) => {
    const document = await ctx.loaders.projectDocumentById.load(hit.documentId);
    return document?.boxItemId ? ctx.loaders.boxItemById.load(document.boxItemId) : null;
  },
  entity: (hit) => entityReference(hit.documentEntityId),
};

/** The entity a search is narrowed to (INVALID_ID when malformed); `projectId` is the older spelling for a project. */
function searchedEntity(filter: { entityId?: string | null; projectId?: string | null } | null | undefined): string | null {
  if (filter?.entityId) {
    typeOfIdOrThrow(filter.entityId);
    return filter.entityId;
  }
  return filter?.projectId ? expectIdOf('Project', filter.projectId) : null;
}

export const KbChunkQueries: QueryResolvers = {
  kbChunk: async (_, { id }, ctx) => found(await ctx.loaders.kbChunk.load(expectIdOf('KbChunk', id)), id),
  kbChunks: (_, args, ctx) => ctx.loaders.lists.kbChunks(args),
  searchDocuments: (_, { query, first, after, filter }, ctx) =>
    ctx.loaders.lists.searchDocuments({
      query,
      first,
      after,
      filter: {
        entityId: searchedEntity(filter),
        boxFolderId: filter?.boxFolderId ?? null,
      },
    }),
};

export const KbChunkMutations: MutationResolvers = {
  createKbChunk: (_, { input }, ctx) => chunkService.create(ctx, input),
  updateKbChunk: (_, { id, input }, ctx) => chunkService.update(ctx, id, input),
  archiveKbChunk: (_, { id }, ctx) => chunkService.archive(ctx, id),
};

/** The entity's module: its schema fragment and its resolvers. */
export const kbChunkModule = schemaModule(new URL('./kbChunk.graphql', import.meta.url), {
  Query: KbChunkQueries,
  Mutation: KbChunkMutations,
  KbChunk,
  SearchHit,
} satisfies Resolvers);
