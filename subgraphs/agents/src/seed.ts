import { DEMO } from '@wrk/demo';
import { LONG_TRANSACTION } from '@wrk/platform';
import type { AgentsDb } from './db.ts';

const by = { actor: 'seed', sourceSystem: 'seed' };

/** External IDs of the demo rows of this slice (deterministic, so saved queries keep working). */
export const AGENTS_DEMO = {
  reviewRun: DEMO.agentRuns.review,
  reviewSteps: [DEMO.agentSteps.read, DEMO.agentSteps.summarise],
  billingFact: DEMO.knowledgeFacts.billing,
  renewalInsight: DEMO.knowledgeInsights.renewal,
  renewalApproval: DEMO.agentApprovals.renewal,
} as const;

export interface AgentsSeedIds {
  /** The core contract (ctr_…) the demo run reviewed. */
  contractId: string;
  /** The Box file (box_…) holding the signed contract. */
  boxFileId: string;
}

export interface SeededAgents {
  agentRunId: string;
  agentStepIds: string[];
  knowledgeFactId: string;
  knowledgeInsightId: string;
  agentApprovalId: string;
}

/**
 * A small coherent demo set, once: a finished run of the contract reviewer over the given contract and its
 * signed copy in Box, with two steps, a fact about the contract, an insight and a pending approval, every
 * output citing the contract and the file. Does nothing (null) when the slice has runs.
 */
export async function seedAgents(
  db: AgentsDb,
  ids: AgentsSeedIds = { contractId: DEMO.contracts.acmeMsa, boxFileId: DEMO.boxItems.acmeMsaFile },
): Promise<SeededAgents | null> {
  if ((await db.agentRun.count()) > 0) return null;
  const contract = { id: ids.contractId };
  const file = { id: ids.boxFileId, retrievedAt: '2026-09-03T08:00:09.000Z' };
  const billingExcerpt = 'Fees: EUR 120,000.00, invoiced quarterly in advance and payable net 30.';
  const termExcerpt = 'It takes effect on 1 September 2026 and ends on 31 August 2027.';

  await db.$transaction(async (tx) => {
    const run = await tx.agentRun.create({
      data: {
        externalId: AGENTS_DEMO.reviewRun,
        agentName: 'contract-reviewer',
        task: 'Review the Acme Master Services Agreement: term, billing and renewal.',
        model: 'claude-sonnet-4-5',
        status: 'succeeded',
        initiatedBy: DEMO.users.staff,
        startedAt: new Date('2026-09-03T08:00:00Z'),
        lastActivityAt: new Date('2026-09-03T08:01:42Z'),
        finishedAt: new Date('2026-09-03T08:01:42Z'),
        tokens: 5932,
        costUsd: '0.027558',
        parameters: { temperature: 0 },
        ...by,
      },
    });
    await tx.agentStep.createMany({
      data: [
        {
          externalId: AGENTS_DEMO.reviewSteps[0],
          runId: run.id,
          stepIndex: 0,
          tool: 'box.read_file',
          input: { boxItemId: ids.boxFileId },
          output: { pages: 12, characters: 38_214 },
          sourceRefs: [file],
          startedAt: new Date('2026-09-03T08:00:01Z'),
          durationMs: 8000,
          finishedAt: new Date('2026-09-03T08:00:09Z'),
          ...by,
        },
        {
          externalId: AGENTS_DEMO.reviewSteps[1],
          runId: run.id,
          stepIndex: 1,
          tool: 'contract.extract_terms',
          input: { contractId: ids.contractId },
          output: { term: { start: '2026-09-01', end: '2027-08-31' }, billing: 'quarterly in advance, net 30' },
          sourceRefs: [contract, { ...file, quote: billingExcerpt }],
          startedAt: new Date('2026-09-03T08:00:10Z'),
          durationMs: 90_000,
          finishedAt: new Date('2026-09-03T08:01:40Z'),
          ...by,
        },
      ],
    });
    await tx.knowledgeFact.create({
      data: {
        externalId: AGENTS_DEMO.billingFact,
        runId: run.id,
        subjectId: ids.contractId,
        predicate: 'billing_terms',
        value: 'Quarterly in advance, net 30',
        confidence: 0.93,
        sourceRefs: [{ ...file, quote: billingExcerpt }],
        ...by,
      },
    });
    await tx.knowledgeInsight.create({
      data: {
        externalId: AGENTS_DEMO.renewalInsight,
        runId: run.id,
        title: 'Acme MSA renewal talks should start by June 2027',
        body:
          'The agreement ends on 31 August 2027. Billing is quarterly in advance, so the last invoice (June to ' +
          'August 2027) goes out in June: renewal terms should be agreed before then.',
        confidence: 0.8,
        reviewState: 'draft',
        sourceRefs: [contract, { ...file, quote: termExcerpt }],
        ...by,
      },
    });
    await tx.agentApproval.create({
      data: {
        externalId: AGENTS_DEMO.renewalApproval,
        runId: run.id,
        action: 'create_action',
        payload: { title: 'Start renewal talks with Acme', dueOn: '2027-05-31', assigneeId: DEMO.users.staff },
        targetId: ids.contractId,
        status: 'pending',
        requestedBy: 'agent:contract-reviewer',
        sourceRefs: [contract, { ...file, quote: termExcerpt }],
        ...by,
      },
    });
  }, LONG_TRANSACTION);
  return {
    agentRunId: AGENTS_DEMO.reviewRun,
    agentStepIds: [...AGENTS_DEMO.reviewSteps],
    knowledgeFactId: AGENTS_DEMO.billingFact,
    knowledgeInsightId: AGENTS_DEMO.renewalInsight,
    agentApprovalId: AGENTS_DEMO.renewalApproval,
  };
}
