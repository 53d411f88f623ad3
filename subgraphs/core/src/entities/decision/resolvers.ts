import { schemaModule } from '@wrk/platform';
import { optionalReferencedRow } from '@wrk/catalog/ids';
import type { DecisionResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { byExternalId, searchIn } from '../../lists.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { changes } from '../fields.ts';
import { entityRootFields } from '../rootFields.ts';
import { decision, fields } from './spec.ts';

const decisions = entityRootFields(
  decision,
  (ctx) => ctx.loaders.decision,
  (ctx) => ctx.db.decision,
);

export const Decision: DecisionResolvers = {
  ...ownedEntityFields,
  meeting: (row, _, ctx) => (row.meetingId ? ctx.loaders.meetingById.load(row.meetingId) : null),
  project: (row, _, ctx) => (row.projectId ? ctx.loaders.projectById.load(row.projectId) : null),
  __resolveReference: decisions.resolveReference,
};

export const DecisionQueries: QueryResolvers = {
  decision: decisions.byId,
  decisions: decisions.list((ctx, filter) => [
    searchIn(['title', 'summary'], filter.search),
    byExternalId(ctx, 'meeting', 'meeting', filter.meetingId),
    byExternalId(ctx, 'project', 'project', filter.projectId),
  ]),
};

/** The meeting and project an input names (each checked: exists, visible to the caller). */
async function references(ctx: Context, input: { meetingId?: string | null; projectId?: string | null }) {
  const meeting =
    input.meetingId === undefined ? undefined : await optionalReferencedRow(ctx.loaders.meeting, 'meetingId', 'Meeting', input.meetingId);
  const project =
    input.projectId === undefined ? undefined : await optionalReferencedRow(ctx.loaders.project, 'projectId', 'Project', input.projectId);
  return {
    ...(meeting !== undefined && { meetingId: meeting?.id ?? null }),
    ...(project !== undefined && { projectId: project?.id ?? null }),
  };
}

export const DecisionMutations: MutationResolvers = {
  createDecision: async (_, { input }, ctx) => {
    const data = { ...changes(input, fields), ...(await references(ctx, input)) };
    return decisions.service.create(ctx, { title: fields.title(input.title), ...data, ownerUserId: ctx.claims.sub ?? null });
  },
  updateDecision: async (_, { id, input }, ctx) => {
    const existing = await decisions.service.load(ctx, id);
    return decisions.service.update(ctx, existing, { ...changes(input, fields), ...(await references(ctx, input)) });
  },
  archiveDecision: decisions.archive,
};

/** The entity's module: its schema fragment and its resolvers. */
export const decisionModule = schemaModule(new URL('./decision.graphql', import.meta.url), {
  Query: DecisionQueries,
  Mutation: DecisionMutations,
  Decision,
} satisfies Resolvers);
