import { found, schemaModule } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, ProjectDocumentResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { documentService } from '../service.ts';
import { entityReference } from '../documentOwner/resolvers.ts';

export const ProjectDocument: ProjectDocumentResolvers = {
  id: (document) => document.externalId,
  /** References to core's entity: the gateway fetches its fields from core. */
  entity: (document) => entityReference(document.entityId),
  project: (document) => {
    const entity = entityReference(document.entityId);
    return entity?.__typename === 'Project' ? entity : null;
  },
  boxItem: (document, _, ctx) => (document.boxItemId === null ? null : ctx.loaders.boxItemById.load(document.boxItemId)),
  chunks: (document, _, ctx) => ctx.loaders.chunksByDocument.load(document.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.projectDocument.load(ref.id), ref.id),
};

export const ProjectDocumentQueries: QueryResolvers = {
  projectDocument: async (_, { id }, ctx) => found(await ctx.loaders.projectDocument.load(expectIdOf('ProjectDocument', id)), id),
  projectDocuments: (_, args, ctx) => ctx.loaders.lists.projectDocuments(args),
};

export const ProjectDocumentMutations: MutationResolvers = {
  createProjectDocument: (_, { input }, ctx) => documentService.create(ctx, input),
  updateProjectDocument: (_, { id, input }, ctx) => documentService.update(ctx, id, input),
  archiveProjectDocument: (_, { id }, ctx) => documentService.archive(ctx, id),
};

/** The entity's module: its schema fragment and its resolvers. */
export const projectDocumentModule = schemaModule(new URL('./projectDocument.graphql', import.meta.url), {
  Query: ProjectDocumentQueries,
  Mutation: ProjectDocumentMutations,
  ProjectDocument,
} satisfies Resolvers);
