import { randomUUID } from 'node:crypto';
import { logger, recordChange, requestContextFromClaims } from '@wrk/platform';
import type { AgentsDb } from './db.ts';
import { OPEN_RUN_STATUSES } from './entities/agentRun/lifecycle.ts';

/** The graphile-worker task that closes abandoned runs, run every minute by the worker's crontab (app/). */
export const ABANDON_STALE_RUNS_TASK = 'agents_abandon_stale_runs';
export const ABANDON_STALE_RUNS_CRONTAB = `* * * * * ${ABANDON_STALE_RUNS_TASK}`;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** WRK_RUN_ABANDON_AFTER: how long a run may stay open without a step, e.g. "1h" (the default), "30m", "90s". */
export function abandonAfterMs(value = process.env.WRK_RUN_ABANDON_AFTER): number {
  if (!value) return UNIT_MS.h!;
  const match = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!match) throw new Error(`WRK_RUN_ABANDON_AFTER: "${value}" is not a duration such as 1h, 30m or 90s`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** At most this many runs per pass (the next minute's pass takes the rest). */
const BATCH = 500;

/**
 * Marks ABANDONED every open run whose last activity (its start or its last step) is older than `idleMs`, with its
 * audit row and outbox event in the same transaction, attributed to the system (`run-reaper`). Rows locked by a
 * step or a finish in progress are skipped (SKIP LOCKED): that run is active. Returns the runs it closed.
 */
export async function abandonStaleRuns(db: AgentsDb, idleMs: number, now = new Date()): Promise<string[]> {
  const ctx = requestContextFromClaims({ kind: 'system', agent: 'run-reaper', scopes: [], teams: [], requestId: randomUUID() });
  const cutoff = new Date(now.getTime() - idleMs);
  const closed = await db.$transaction(async (tx) => {
    const stale = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM "agents"."agent_runs"
       WHERE status::text = ANY(${[...OPEN_RUN_STATUSES]}) AND COALESCE(last_activity_at, started_at, created_at) < ${cutoff}
       ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
    const ids: string[] = [];
    for (const { id } of stale) {
      const before = await tx.agentRun.findUniqueOrThrow({ where: { id } });
      const after = await tx.agentRun.update({
        where: { id },
        data: { status: 'abandoned', finishedAt: now, error: `no activity for ${Math.round(idleMs / 1000)} s` },
      });
      await recordChange(tx, ctx, { entityType: 'AgentRun', entityId: after.externalId, action: 'update', before, after });
      ids.push(after.externalId);
    }
    return ids;
  });
  if (closed.length) logger.info({ runs: closed }, 'abandoned stale agent runs');
  return closed;
}

/** The agents subgraph's background tasks and their schedule, for the worker (read WRK_RUN_ABANDON_AFTER now: fail fast). */
export function agentsJobs(db: AgentsDb) {
  const idleMs = abandonAfterMs();
  return {
    tasks: {
      [ABANDON_STALE_RUNS_TASK]: async () => {
        await abandonStaleRuns(db, idleMs);
      },
    },
    crontab: ABANDON_STALE_RUNS_CRONTAB,
  };
}
