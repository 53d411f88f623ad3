import { found, requiredText, schemaModule, writeAndRecord } from '@wrk/platform';
import { expectIdOf, referencedRow } from '@wrk/catalog/ids';
import { newRowColumns } from '@wrk/catalog/rows';
import type { KbChunkResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';

export const KbChunk: KbChunkResolvers = {
  id: (chunk) => chunk.externalId,
  document: async (chunk, _, ctx) => found(await ctx.loaders.projectDocumentById.load(chunk.documentId), `document of ${chunk.externalId}`),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.kbChunk.load(ref.id), ref.id),
};

export const KbChunkQueries: QueryResolvers = {
  kbChunk: async (_, { id }, ctx) => found(await ctx.loaders.kbChunk.load(expectIdOf('KbChunk', id)), id),
  kbChunks: (_, args, ctx) => ctx.loaders.lists.kbChunks(args),
};

export const KbChunkMutations: MutationResolvers = {
  createKbChunk: async (_, { input }, ctx) => {
    const content = requiredText('content', input.content, 100_000);
    const document = await referencedRow(ctx.loaders.projectDocument, 'documentId', 'ProjectDocument', input.documentId);
    return writeAndRecord(ctx, 'KbChunk', 'create', async (tx) => {
      // Lock the document so concurrent appends take distinct chunk indexes.
      await tx.$queryRaw`SELECT id FROM files.project_documents WHERE id = ${document.id} FOR UPDATE`;
      const last = await tx.kbChunk.findFirst({ where: { documentId: document.id }, orderBy: { chunkIndex: 'desc' } });
      return {
        after: await tx.kbChunk.create({
          data: { ...newRowColumns(ctx, 'KbChunk'), documentId: document.id, chunkIndex: (last?.chunkIndex ?? -1) + 1, content },
        }),
      };
    });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const kbChunkModule = schemaModule(new URL('./kbChunk.graphql', import.meta.url), {
  Query: KbChunkQueries,
  Mutation: KbChunkMutations,
  KbChunk,
} satisfies Resolvers);
