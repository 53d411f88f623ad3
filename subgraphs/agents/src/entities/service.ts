import { newRowColumns } from '@wrk/catalog/rows';
import { writeAndRecord } from '@wrk/platform';
import type { Context } from '../context.ts';
import type { AgentsEntitySpec } from './spec.ts';

/**
 * The one write path of the agents subgraph: agents' records are only ever created (a run's steps, approvals, facts
 * and insights accumulate), each with a fresh external ID and attribution, inside writeAndRecord (audit log and outbox
 * in the same transaction).
 */
export const agentsService = {
  create: <Row extends { externalId: string }, Create>(ctx: Context, spec: AgentsEntitySpec<Row, unknown, Create>, data: Create) =>
    writeAndRecord(
      ctx,
      spec.typename,
      'create',
      async (tx) => ({ after: await spec.insert(tx, newRowColumns(ctx, spec.typename), data) }),
      {
        opensRun: spec.typename === 'AgentRun',
      },
    ),
};
