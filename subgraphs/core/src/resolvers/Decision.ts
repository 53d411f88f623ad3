import { found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { DecisionResolvers, MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { ownedEntityFields } from '../nodes.ts';
import { newRowColumns, writeAndRecord } from '../writes.ts';
import { dateOrNull, optionalReferencedRow, optionalText, requiredText } from '../inputs.ts';

export const Decision: DecisionResolvers = {
  ...ownedEntityFields,
  meeting: (decision, _, ctx) => (decision.meetingId ? ctx.loaders.meetingById.load(decision.meetingId) : null),
  project: (decision, _, ctx) => (decision.projectId ? ctx.loaders.projectById.load(decision.projectId) : null),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.decision.load(ref.id), ref.id),
};

export const DecisionQueries: QueryResolvers = {
  decision: async (_, { id }, ctx) => found(await ctx.loaders.decision.load(expectIdOf('Decision', id)), id),
  decisions: (_, args, ctx) => listPage(ctx.db.decision, args, ctx.loaders.visible.restrictable, [{ decidedOn: 'desc' }]),
};

export const DecisionMutations: MutationResolvers = {
  createDecision: async (_, { input }, ctx) => {
    const [meeting, project] = await Promise.all([
      optionalReferencedRow(ctx, 'meetingId', 'Meeting', 'meeting', input.meetingId),
      optionalReferencedRow(ctx, 'projectId', 'Project', 'project', input.projectId),
    ]);
    return writeAndRecord(ctx, 'Decision', 'create', async (tx) => ({
      after: await tx.decision.create({
        data: {
          ...newRowColumns(ctx, 'Decision'),
          title: requiredText('title', input.title),
          summary: optionalText('summary', input.summary),
          decidedOn: dateOrNull(input.decidedOn),
          meetingId: meeting?.id ?? null,
          projectId: project?.id ?? null,
          visibility: input.visibility ?? 'internal',
          ownerUserId: ctx.claims.sub ?? null,
        },
      }),
    }));
  },
};
