import { found } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { KbChunkResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';

export const KbChunk: KbChunkResolvers = {
  id: (chunk) => chunk.externalId,
  document: async (chunk, _, ctx) =>
    found(await ctx.loaders.projectDocumentById.load(chunk.documentId), `document of ${chunk.externalId}`),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.kbChunk.load(ref.id), ref.id),
};

export const KbChunkQueries: QueryResolvers = {
  kbChunk: async (_, { id }, ctx) => found(await ctx.loaders.kbChunk.load(expectIdOf('KbChunk', id)), id),
  kbChunks: (_, args, ctx) => ctx.loaders.lists.kbChunks(args),
};
