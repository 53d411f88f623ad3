import { found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, ProjectResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { ownedEntityFields } from '../nodes.ts';
import { newRowColumns, writeAndRecord } from '../writes.ts';
import { dateOrNull, optionalReferencedRow, optionalText, requiredText } from '../inputs.ts';

export const Project: ProjectResolvers = {
  ...ownedEntityFields,
  parent: (project, _, ctx) => (project.parentId ? ctx.loaders.projectById.load(project.parentId) : null),
  children: (project, _, ctx) => ctx.loaders.projectsByParent.load(project.id),
  contracts: (project, _, ctx) => ctx.loaders.contractsByProject.load(project.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.project.load(ref.id), ref.id),
};

export const ProjectQueries: QueryResolvers = {
  project: async (_, { id }, ctx) => found(await ctx.loaders.project.load(expectIdOf('Project', id)), id),
  projects: (_, args, ctx) => listPage(ctx.db.project, args, ctx.loaders.visible.restrictable, [{ name: 'asc' }]),
};

export const ProjectMutations: MutationResolvers = {
  createProject: async (_, { input }, ctx) => {
    const parent = await optionalReferencedRow(ctx, 'parentId', 'Project', 'project', input.parentId);
    return writeAndRecord(ctx, 'Project', 'create', async (tx) => ({
      after: await tx.project.create({
        data: {
          ...newRowColumns(ctx, 'Project'),
          name: requiredText('name', input.name),
          kind: input.kind ?? (parent ? 'workstream' : 'project'),
          status: input.status ?? 'active',
          description: optionalText('description', input.description),
          startDate: dateOrNull(input.startDate),
          endDate: dateOrNull(input.endDate),
          parentId: parent?.id ?? null,
          visibility: input.visibility ?? 'internal',
          ownerUserId: ctx.claims.sub ?? null,
        },
      }),
    }));
  },
};
