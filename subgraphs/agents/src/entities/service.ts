import { newRowColumns } from '@wrk/catalog/rows';
import { writeAndRecord } from '@wrk/platform';
import type { Context } from '../context.ts';
import type { Tx } from '../db.ts';
import type { AgentsTypename } from './names.ts';
import type { AgentsEntitySpec } from './spec.ts';

/**
 * The one write path of the agents subgraph, each write inside writeAndRecord (audit log and outbox in the same
 * transaction): records are created with a fresh external ID and attribution (a run's steps, approvals, facts and
 * insights accumulate); a few change state (a run finishes, a fact is deprecated) — never deleted.
 */
/**
 * A run and its steps are the trace that agents' other writes name as their provenance: starting, stepping and
 * finishing a run need no `extensions.wrk` (a step names its run and sources in its input).
 */
const RUN_TRACE = new Set<string>(['AgentRun', 'AgentStep']);

export const agentsService = {
  create: <Row extends { externalId: string }, Create>(ctx: Context, spec: AgentsEntitySpec<Row, unknown, Create>, data: Create) =>
    writeAndRecord(
      ctx,
      spec.typename,
      'create',
      async (tx) => ({ after: await spec.insert(tx, newRowColumns(ctx, spec.typename), data) }),
      {
        opensRun: RUN_TRACE.has(spec.typename),
      },
    ),
  /** A change of one row: `write` locks it, checks its state and returns it before and after. */
  update: <Row extends { externalId: string }>(
    ctx: Context,
    typename: AgentsTypename,
    write: (tx: Tx) => Promise<{ before: Row; after: Row }>,
  ): Promise<Row> => writeAndRecord(ctx, typename, 'update', write, { opensRun: RUN_TRACE.has(typename) }),
  /**
   * A row retired, never deleted (a fact deprecated: the knowledge graph's archive): recorded as `archive`, so an
   * agent's is held for a human's approval like every archive (the approval policy).
   */
  archive: <Row extends { externalId: string }>(
    ctx: Context,
    typename: AgentsTypename,
    write: (tx: Tx) => Promise<{ before: Row; after: Row }>,
  ): Promise<Row> => writeAndRecord(ctx, typename, 'archive', write),
};
