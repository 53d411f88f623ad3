import { badUserInput, dateOrder, schemaModule } from '@wrk/platform';
import { optionalReferencedRow } from '@wrk/catalog/ids';
import type { MutationResolvers, ProjectResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { byExternalId, oneOf, relatedThrough, searchIn } from '../../lists.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { after, changes } from '../fields.ts';
import { entityRootFields } from '../rootFields.ts';
import { fields, project } from './spec.ts';

const projects = entityRootFields(
  project,
  (ctx) => ctx.loaders.project,
  (ctx) => ctx.db.project,
);

export const Project: ProjectResolvers = {
  ...ownedEntityFields,
  parent: (row, _, ctx) => (row.parentId ? ctx.loaders.projectById.load(row.parentId) : null),
  children: (row, _, ctx) => ctx.loaders.projectsByParent.load(row.id),
  contracts: (row, _, ctx) => ctx.loaders.contractsByProject.load(row.id),
  people: edgesOf('ProjectPerson', 'left'),
  organizations: edgesOf('ProjectOrganization', 'left'),
  team: edgesOf('ProjectUser', 'left'),
  grants: edgesOf('ProjectGrant', 'left'),
  trips: edgesOf('ProjectTrip', 'left'),
  meetings: edgesOf('MeetingProject', 'right'),
  actions: (row, _, ctx) => ctx.loaders.actionsByProject.load(row.id),
  decisions: (row, _, ctx) => ctx.loaders.decisionsByProject.load(row.id),
  __resolveReference: projects.resolveReference,
};

export const ProjectQueries: QueryResolvers = {
  project: projects.byId,
  projects: projects.list((ctx, filter) => [
    searchIn(['name', 'description'], filter.search),
    oneOf('kind', filter.kind),
    oneOf('status', filter.status),
    byExternalId(ctx, 'parent', 'project', filter.parentId),
    filter.topLevel ? { parentId: null } : null,
    relatedThrough(ctx, 'organizations', 'organization', filter.organizationId),
  ]),
};

/** The new parent, refusing one that would make the tree a cycle (the project itself or a descendant). */
async function parentFor(ctx: Context, parentId: string | null | undefined, self?: { id: number }) {
  const parent = await optionalReferencedRow(ctx.loaders.project, 'parentId', 'Project', parentId);
  if (parent && self) {
    const cycle = await ctx.db.$queryRaw<{ id: number }[]>`
      WITH RECURSIVE ancestors AS (
        SELECT id, parent_id FROM core.projects WHERE id = ${parent.id}
        UNION SELECT p.id, p.parent_id FROM core.projects p JOIN ancestors a ON p.id = a.parent_id
      ) SELECT id FROM ancestors WHERE id = ${self.id}`;
    if (cycle.length) throw badUserInput('parentId', 'would make the project its own ancestor');
  }
  return parent;
}

export const ProjectMutations: MutationResolvers = {
  createProject: async (_, { input }, ctx) => {
    const parent = await parentFor(ctx, input.parentId);
    const data = changes(input, fields);
    dateOrder(data.startDate ?? null, data.endDate ?? null);
    return projects.service.create(ctx, {
      name: fields.name(input.name),
      kind: input.kind ?? (parent ? 'workstream' : 'project'),
      ...data,
      parentId: parent?.id ?? null,
      ownerUserId: ctx.claims.sub ?? null,
    });
  },
  updateProject: async (_, { id, input }, ctx) => {
    const existing = await projects.service.load(ctx, id);
    const data = changes(input, fields);
    const parentId = input.parentId === undefined ? undefined : ((await parentFor(ctx, input.parentId, existing))?.id ?? null);
    dateOrder(after(data.startDate, existing.startDate), after(data.endDate, existing.endDate));
    return projects.service.update(ctx, existing, { ...data, ...(parentId !== undefined && { parentId }) });
  },
  archiveProject: projects.archive,
};

/** The entity's module: its schema fragment and its resolvers. */
export const projectModule = schemaModule(new URL('./project.graphql', import.meta.url), {
  Query: ProjectQueries,
  Mutation: ProjectMutations,
  Project,
} satisfies Resolvers);
