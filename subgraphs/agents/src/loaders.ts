import { groupLoader, rowLoader } from '@wrk/platform';
import type { AgentsDb } from './db.ts';

/** Per-request DataLoaders: every relationship and reference loads in one batched query per tick. */
export function createLoaders(db: AgentsDb, ..._rest: unknown[]) {
  const byExternalId = <Row extends { externalId: string }>(find: (ids: string[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.externalId);
  const byId = <Row extends { id: number }>(find: (ids: number[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.id);

  return {
    agentRun: byExternalId((ids) => db.agentRun.findMany({ where: { externalId: { in: ids } } })),
    agentStep: byExternalId((ids) => db.agentStep.findMany({ where: { externalId: { in: ids } } })),
    agentApproval: byExternalId((ids) => db.agentApproval.findMany({ where: { externalId: { in: ids } } })),
    knowledgeFact: byExternalId((ids) => db.knowledgeFact.findMany({ where: { externalId: { in: ids } } })),
    knowledgeInsight: byExternalId((ids) => db.knowledgeInsight.findMany({ where: { externalId: { in: ids } } })),

    agentRunById: byId((ids) => db.agentRun.findMany({ where: { id: { in: ids } } })),

    stepsByRun: groupLoader(
      (ids: number[]) => db.agentStep.findMany({ where: { runId: { in: ids } }, orderBy: { stepIndex: 'asc' } }),
      (row) => row.runId,
    ),
    approvalsByRun: groupLoader(
      (ids: number[]) => db.agentApproval.findMany({ where: { runId: { in: ids } }, orderBy: { id: 'asc' } }),
      (row) => row.runId!,
    ),
    factsByRun: groupLoader(
      (ids: number[]) => db.knowledgeFact.findMany({ where: { runId: { in: ids } }, orderBy: { id: 'asc' } }),
      (row) => row.runId!,
    ),
    insightsByRun: groupLoader(
      (ids: number[]) => db.knowledgeInsight.findMany({ where: { runId: { in: ids } }, orderBy: { id: 'asc' } }),
      (row) => row.runId!,
    ),
  };
}

export type AgentsLoaders = ReturnType<typeof createLoaders>;
export type AgentsRowLoaderName = 'agentRun' | 'agentStep' | 'agentApproval' | 'knowledgeFact' | 'knowledgeInsight';
