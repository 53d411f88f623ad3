import { found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { AgentApprovalResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { sourceRefsOf } from '../inputs.ts';

export const AgentApproval: AgentApprovalResolvers = {
  id: (approval) => approval.externalId,
  run: (approval, _, ctx) => (approval.runId === null ? null : ctx.loaders.agentRunById.load(approval.runId)),
  sourceRefs: sourceRefsOf,
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.agentApproval.load(ref.id), ref.id),
};

export const AgentApprovalQueries: QueryResolvers = {
  agentApproval: async (_, { id }, ctx) =>
    found(await ctx.loaders.agentApproval.load(expectIdOf('AgentApproval', id)), id),
  agentApprovals: (_, args, ctx) =>
    listPage(ctx.db.agentApproval, args, { AND: [ctx.loaders.visible.ofRun, args.status ? { status: args.status } : {}] }),
};
