import { badUserInput, dateOrNull, found, listPage, optionalText, requiredText, writeAndRecord } from '@wrk/platform';
import { expectIdOf, optionalReferencedRow } from '@wrk/catalog/ids';
import type { MutationResolvers, ProjectResolvers, QueryResolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { archiveRow, changes, updateRow } from '../../entityWrites.ts';
import { byExternalId, listWhere, oneOf, orderOf, relatedThrough, searchIn } from '../../lists.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const Project: ProjectResolvers = {
  ...ownedEntityFields,
  parent: (project, _, ctx) => (project.parentId ? ctx.loaders.projectById.load(project.parentId) : null),
  children: (project, _, ctx) => ctx.loaders.projectsByParent.load(project.id),
  contracts: (project, _, ctx) => ctx.loaders.contractsByProject.load(project.id),
  people: edgesOf('ProjectPerson', 'left'),
  organizations: edgesOf('ProjectOrganization', 'left'),
  team: edgesOf('ProjectUser', 'left'),
  grants: edgesOf('ProjectGrant', 'left'),
  trips: edgesOf('ProjectTrip', 'left'),
  meetings: edgesOf('MeetingProject', 'right'),
  actions: (project, _, ctx) => ctx.loaders.actionsByProject.load(project.id),
  decisions: (project, _, ctx) => ctx.loaders.decisionsByProject.load(project.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.project.load(ref.id), ref.id),
};

const ORDER = { NAME: 'name', START_DATE: 'startDate?', END_DATE: 'endDate?', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' };

export const ProjectQueries: QueryResolvers = {
  project: async (_, { id }, ctx) => found(await ctx.loaders.project.load(expectIdOf('Project', id)), id),
  projects: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.project, {
      list: 'Query.projects',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'project', filter, [
        searchIn(['name', 'description'], filter?.search),
        oneOf('kind', filter?.kind),
        oneOf('status', filter?.status),
        byExternalId(ctx, 'parent', 'project', filter?.parentId),
        filter?.topLevel ? { parentId: null } : null,
        relatedThrough(ctx, 'organizations', 'organization', filter?.organizationId),
      ]),
      orderBy: orderOf(orderBy, ORDER, [{ field: 'name', direction: 'asc' }]),
    }),
};

const fields = {
  name: (value: string | null) => requiredText('name', value ?? ''),
  kind: (value: 'project' | 'workstream' | 'event' | 'product' | null) => value ?? 'project',
  status: (value: 'planned' | 'active' | 'on_hold' | 'completed' | 'cancelled' | null) => value ?? 'active',
  description: (value: string | null) => optionalText('description', value),
  startDate: dateOrNull,
  endDate: dateOrNull,
  visibility: (value: 'internal' | 'restricted' | null) => value ?? 'internal',
};

function checkDates(startDate: Date | null, endDate: Date | null) {
  if (startDate && endDate && endDate < startDate) throw badUserInput('endDate', 'must not be before startDate');
}

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

const load = async (ctx: Context, id: string) => found(await ctx.loaders.project.load(expectIdOf('Project', id)), id);

export const ProjectMutations: MutationResolvers = {
  createProject: async (_, { input }, ctx) => {
    const parent = await parentFor(ctx, input.parentId);
    const data = changes(input, fields);
    checkDates((data.startDate as Date) ?? null, (data.endDate as Date) ?? null);
    return writeAndRecord(ctx, 'Project', 'create', async (tx) => ({
      after: await tx.project.create({
        data: {
          ...newRowColumns(ctx, 'Project'),
          name: fields.name(input.name),
          kind: input.kind ?? (parent ? 'workstream' : 'project'),
          ...data,
          parentId: parent?.id ?? null,
          ownerUserId: ctx.claims.sub ?? null,
        },
      }),
    }));
  },
  updateProject: async (_, { id, input }, ctx) => {
    const existing = await load(ctx, id);
    const data = changes(input, fields);
    if (input.parentId !== undefined) data.parentId = (await parentFor(ctx, input.parentId, existing))?.id ?? null;
    checkDates(
      data.startDate === undefined ? existing.startDate : (data.startDate as Date | null),
      data.endDate === undefined ? existing.endDate : (data.endDate as Date | null),
    );
    return updateRow(ctx, 'Project', existing, (tx) => tx.project, data);
  },
  archiveProject: async (_, { id }, ctx) => archiveRow(ctx, 'Project', await load(ctx, id), (tx) => tx.project),
};
