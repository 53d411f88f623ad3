import { ErrorCode, graphQLError, type Claims } from '@wrk/platform';
import { referencedRow } from '@wrk/catalog/ids';
import type { Context } from '../../context.ts';
import type { AgentRun, Tx } from '../../db.ts';

/** A run in one of these states takes steps and may be finished; any other state is final. */
export const OPEN_RUN_STATUSES = ['queued', 'running', 'waiting_approval'] as const;
const OPEN: ReadonlySet<string> = new Set(OPEN_RUN_STATUSES);

export const isOpen = (run: Pick<AgentRun, 'status'>) => OPEN.has(run.status);

/**
 * Whether the caller started the run: an agent token only writes to the runs it started itself (same token), a
 * user to the runs they started in person (attributed to them, not to one of their agents).
 */
export function ownsRun(run: Pick<AgentRun, 'tokenId' | 'actor'>, claims: Claims): boolean {
  if (claims.kind === 'agent') return claims.tokenId !== undefined && run.tokenId === claims.tokenId;
  return claims.sub !== undefined && run.actor === claims.sub;
}

export const notYourRun = (runId: string) =>
  graphQLError(ErrorCode.FORBIDDEN, `runId: run ${runId} was started by someone else`, { field: 'runId', reason: 'NOT_YOUR_RUN' });

/**
 * Locks a run's row for the rest of the transaction and returns it as locked: concurrent steps and finishes of one
 * run take turns, each seeing what the previous one wrote. CONFLICT (reason RUN_FINISHED) once the run has ended.
 */
export async function lockOpenRun(tx: Tx, id: number): Promise<AgentRun> {
  await tx.$queryRaw`SELECT 1 FROM "agents"."agent_runs" WHERE id = ${id} FOR UPDATE`;
  const run = await tx.agentRun.findUniqueOrThrow({ where: { id } });
  if (!isOpen(run)) throw runFinished(run);
  return run;
}

const runFinished = (run: AgentRun) =>
  graphQLError(ErrorCode.CONFLICT, `runId: run ${run.externalId} has ended (${run.status})`, {
    field: 'runId',
    reason: 'RUN_FINISHED',
    status: run.status.toUpperCase(),
  });

/**
 * The run an output (a fact, an insight, a request for approval) names: the caller's own (FORBIDDEN NOT_YOUR_RUN) open
 * (CONFLICT RUN_FINISHED) run. An agent naming none writes under its request's run (the gateway verified it).
 */
export async function writingRun(ctx: Context, runId: string | null | undefined): Promise<AgentRun | null> {
  const named = runId ?? (ctx.claims.kind === 'agent' ? ctx.claims.provenance?.runId : undefined);
  if (!named) return null;
  const run = await referencedRow(ctx.loaders.rows.AgentRun, 'runId', 'AgentRun', named);
  if (!ownsRun(run, ctx.claims)) throw notYourRun(named);
  if (!isOpen(run)) throw runFinished(run);
  return run;
}
