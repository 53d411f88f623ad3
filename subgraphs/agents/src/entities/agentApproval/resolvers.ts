import { badUserInput, forbiddenError, found, machineName, notFound, requiredText, schemaModule } from '@wrk/platform';
import { byIdFields, expectIdOf, typeOfIdOrThrow } from '@wrk/catalog/ids';
import { writingRun } from '../agentRun/lifecycle.ts';
import { approveApproval, rejectApproval } from './gate.ts';
import { agentsService } from '../service.ts';
import { agentApprovalSpec } from './spec.ts';
import type { Context } from '../../context.ts';
import type { AgentApprovalResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { jsonObject, jsonValue, sourceRefs, sourceRefsOf } from '../../inputs.ts';

const byId = byIdFields('AgentApproval', (ctx: Context) => ctx.loaders.rows.AgentApproval);

export const AgentApproval: AgentApprovalResolvers = {
  id: (approval) => approval.externalId,
  run: (approval, _, ctx) => (approval.runId === null ? null : ctx.loaders.agentRunById.load(approval.runId)),
  sourceRefs: sourceRefsOf,
  requestedAt: (approval) => approval.createdAt,
  __resolveReference: byId.resolveReference,
};

export const AgentApprovalQueries: QueryResolvers = {
  agentApproval: byId.byId,
  agentApprovals: (_, args, ctx) => ctx.loaders.agentApprovals(args, args.status ? { status: args.status } : {}),
  approvals: (_, { status, targetId, first, after }, ctx) =>
    ctx.loaders.agentApprovals({ first, after }, { ...(status ? { status } : {}), ...(targetId ? { targetId } : {}) }),
};

/** Only people decide: a staff token (never an agent's), who sees the approval and so its target. */
async function decidable(ctx: Context, id: string) {
  if (ctx.claims.kind !== 'staff') throw forbiddenError('Only a staff user may decide an approval');
  return found(await ctx.loaders.rows.AgentApproval.load(expectIdOf('AgentApproval', id)), id);
}

export const AgentApprovalMutations: MutationResolvers = {
  approveApproval: async (_, { id, edit }, ctx) =>
    approveApproval(ctx, ctx.ownerUrls, await decidable(ctx, id), jsonObject('edit', edit) ?? null),
  rejectApproval: async (_, { id, reason }, ctx) =>
    rejectApproval(ctx, ctx.ownerUrls, await decidable(ctx, id), requiredText('reason', reason, 2_000)),
  requestApproval: async (_, { input }, ctx) => {
    const action = machineName('action', input.action);
    const payload = jsonValue('payload', input.payload);
    if (payload === undefined) throw badUserInput('payload', 'is required');
    const refs = await sourceRefs(ctx, 'sourceRefs', input.sourceRefs);
    if (input.targetId) {
      typeOfIdOrThrow(input.targetId);
      if (!(await ctx.loaders.entityVisible(input.targetId))) throw notFound(input.targetId, { field: 'targetId' });
    }
    const run = await writingRun(ctx, input.runId);
    return agentsService.create(ctx, agentApprovalSpec, {
      runId: run?.id ?? null,
      action,
      payload,
      targetId: input.targetId ?? null,
      status: 'pending',
      requestedBy: ctx.actor,
      sourceRefs: refs,
    });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const agentApprovalModule = schemaModule(new URL('./agentApproval.graphql', import.meta.url), {
  Query: AgentApprovalQueries,
  Mutation: AgentApprovalMutations,
  AgentApproval,
} satisfies Resolvers);
