import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput, listPage, machineName, optionalText, reportLeftOut, requiredText, schemaModule, type Claims } from '@wrk/platform';
import { byIdFields, referencedRow } from '@wrk/catalog/ids';
import { agentsService } from '../service.ts';
import { agentRunSpec } from './spec.ts';
import { lockOpenRun, notYourRun, ownsRun } from './lifecycle.ts';
import type { Context } from '../../context.ts';
import type { RunList } from '../../loaders.ts';
import {
  AgentRunOutcome,
  type AgentRunResolvers,
  type FinishRunInput,
  type MutationResolvers,
  type QueryResolvers,
  type Resolvers,
  type RunWriteResolvers,
} from '../../__generated__/resolvers-types.ts';
import type { AgentRun as AgentRunRow } from '../../db.ts';
import type { AgentRunStatus } from '../../__generated__/prisma/enums.ts';
import { jsonObject } from '../../inputs.ts';
import { resolveEntityRef } from '../../nodes.ts';

const byId = byIdFields('AgentRun', (ctx: Context) => ctx.loaders.rows.AgentRun);

const LEFT_OUT_ROWS: Record<RunList, string> = {
  touched: 'Writes to entities',
  approvals: 'Approvals resting on entities',
  facts: 'Facts resting on entities',
  insights: 'Insights resting on entities',
};
/** A run's list as checked, with an UNAVAILABLE error at its path naming the owners whose rows it left out. */
function sayingLeftOut<Row>(ctx: Context, info: GraphQLResolveInfo, list: RunList, run: string | number, rows: Row[]): Row[] {
  reportLeftOut(ctx, info, LEFT_OUT_ROWS[list], ctx.loaders.leftOutOfRun(list, run));
  return rows;
}

export const AgentRun: AgentRunResolvers = {
  id: (run) => run.externalId,
  costUsd: (run) => run.costUsd?.toString() ?? null,
  steps: (run, _, ctx) => ctx.loaders.stepsByRun.load(run.id),
  touched: async (run, _, ctx, info) =>
    sayingLeftOut(ctx, info, 'touched', run.externalId, await ctx.loaders.touchedByRun.load(run.externalId)),
  approvals: async (run, _, ctx, info) => sayingLeftOut(ctx, info, 'approvals', run.id, await ctx.loaders.approvalsByRun.load(run.id)),
  facts: async (run, _, ctx, info) => sayingLeftOut(ctx, info, 'facts', run.id, await ctx.loaders.factsByRun.load(run.id)),
  insights: async (run, _, ctx, info) => sayingLeftOut(ctx, info, 'insights', run.id, await ctx.loaders.insightsByRun.load(run.id)),
  __resolveReference: byId.resolveReference,
};

export const AgentRunQueries: QueryResolvers = {
  agentRun: byId.byId,
  agentRuns: (_, args, ctx) =>
    listPage(ctx.db.agentRun, {
      list: 'Query.agentRuns',
      args,
      where: { AND: [ctx.loaders.visible.run, args.agentName ? { agentName: args.agentName } : {}] },
      orderBy: [{ field: 'createdAt', direction: 'desc' }],
    }),
};

export const RunWrite: RunWriteResolvers = {
  entity: (write, _, ctx) => resolveEntityRef(write.entityId, ctx),
};

/** The agent a run is of: an agent token's own (never another from input); a user names one when testing by hand. */
function agentNameOf(claims: Claims, given: string | null | undefined): string {
  if (claims.kind === 'agent') {
    const own = machineName('agentName', claims.agent ?? '');
    if (given && given !== own) throw badUserInput('agentName', `an agent token runs as its own agent (${own})`);
    return own;
  }
  if (!given) throw badUserInput('agentName', 'is required unless the run is started with an agent token');
  return machineName('agentName', given);
}

/** The final status each outcome stores. */
const FINAL_STATUS = {
  [AgentRunOutcome.Succeeded]: 'succeeded',
  [AgentRunOutcome.Failed]: 'failed',
  [AgentRunOutcome.Cancelled]: 'cancelled',
} satisfies Record<AgentRunOutcome, AgentRunStatus>;

const COST = /^\d{1,8}(\.\d{1,6})?$/;

function outcomeOf(input: FinishRunInput) {
  if (input.tokens !== null && input.tokens !== undefined && input.tokens < 0) throw badUserInput('tokens', 'must be at least 0');
  if (input.costUsd && !COST.test(input.costUsd)) throw badUserInput('costUsd', 'must be a decimal number of dollars, e.g. 0.0125');
  return {
    status: FINAL_STATUS[input.status],
    tokens: input.tokens ?? null,
    costUsd: input.costUsd ?? null,
    error: optionalText('error', input.error, 10_000),
  };
}

/** The caller's own run, visible to them (NOT_FOUND otherwise, as for a missing one). */
async function ownRun(ctx: Context, runId: string): Promise<AgentRunRow> {
  const run = await referencedRow(ctx.loaders.rows.AgentRun, 'runId', 'AgentRun', runId);
  if (!ownsRun(run, ctx.claims)) throw notYourRun(runId);
  return run;
}

export const AgentRunMutations: MutationResolvers = {
  startRun: (_, { input }, ctx) => {
    const now = new Date();
    return agentsService.create(ctx, agentRunSpec, {
      agentName: agentNameOf(ctx.claims, input.agentName),
      task: requiredText('task', input.task, 100_000),
      model: requiredText('model', input.model, 200),
      parameters: jsonObject('parameters', input.parameters),
      status: 'running',
      startedAt: now,
      lastActivityAt: now,
      initiatedBy: ctx.claims.sub ?? null,
      tokenId: ctx.claims.tokenId ?? null,
    });
  },
  finishRun: async (_, { runId, input }, ctx) => {
    const outcome = outcomeOf(input);
    const run = await ownRun(ctx, runId);
    return agentsService.update(ctx, 'AgentRun', async (tx) => {
      const before = await lockOpenRun(tx, run.id);
      const now = new Date();
      const after = await tx.agentRun.update({ where: { id: run.id }, data: { ...outcome, finishedAt: now, lastActivityAt: now } });
      return { before, after };
    });
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const agentRunModule = schemaModule(new URL('./agentRun.graphql', import.meta.url), {
  Query: AgentRunQueries,
  Mutation: AgentRunMutations,
  AgentRun,
  RunWrite,
} satisfies Resolvers);
