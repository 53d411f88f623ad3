import { badUserInput, found, notFound, optionalText, requiredText, schemaModule, writeAndRecord } from '@wrk/platform';
import { expectIdOf, optionalReferencedRow } from '@wrk/catalog/ids';
import type { MutationResolvers, ProjectDocumentResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const ProjectDocument: ProjectDocumentResolvers = {
  id: (document) => document.externalId,
  /** A reference to core's project: the gateway fetches its fields from core. */
  project: (document) => (document.projectId ? { __typename: 'Project', id: document.projectId } : null),
  boxItem: (document, _, ctx) => (document.boxItemId === null ? null : ctx.loaders.boxItemById.load(document.boxItemId)),
  chunks: (document, _, ctx) => ctx.loaders.chunksByDocument.load(document.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.projectDocument.load(ref.id), ref.id),
};

export const ProjectDocumentQueries: QueryResolvers = {
  projectDocument: async (_, { id }, ctx) => found(await ctx.loaders.projectDocument.load(expectIdOf('ProjectDocument', id)), id),
  projectDocuments: (_, args, ctx) => ctx.loaders.lists.projectDocuments(args),
};

export const ProjectDocumentMutations: MutationResolvers = {
  createProjectDocument: async (_, { input }, ctx) => {
    const title = requiredText('title', input.title);
    const kind = optionalText('kind', input.kind, 100);
    // Projects are core's: core is asked whether it exists and the caller may see it (NOT_FOUND otherwise).
    const projectId = input.projectId ? expectIdOf('Project', input.projectId) : null;
    // Visibility comes from the project or the Box item: a document with neither would be nobody's to see.
    if (!projectId && !input.boxItemId) throw badUserInput('projectId', 'a document belongs to a project, a Box item or both');
    const [projectShown, boxItem] = await Promise.all([
      projectId ? ctx.loaders.existsAtOwner.load(projectId) : true,
      optionalReferencedRow(ctx.loaders.boxItem, 'boxItemId', 'BoxItem', input.boxItemId),
    ]);
    if (projectId && !projectShown) throw notFound(projectId, { field: 'projectId' });
    if (boxItem?.boxItemType === 'folder') throw badUserInput('boxItemId', `${boxItem.externalId} is a folder, not a file or web link`);
    return writeAndRecord(ctx, 'ProjectDocument', 'create', async (tx) => ({
      after: await tx.projectDocument.create({
        data: {
          ...newRowColumns(ctx, 'ProjectDocument'),
          title,
          kind,
          projectId,
          boxItemId: boxItem?.id ?? null,
        },
      }),
    }));
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const projectDocumentModule = schemaModule(new URL('./projectDocument.graphql', import.meta.url), {
  Query: ProjectDocumentQueries,
  Mutation: ProjectDocumentMutations,
  ProjectDocument,
} satisfies Resolvers);
