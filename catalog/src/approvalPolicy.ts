import { CLAIMS_HEADER, type ChangeAction, type HeldChange, type RequestContext, type WriteGate } from '@wrk/platform';
import type { SubgraphName } from './index.ts';
import type { OwnerUrls } from './owners.ts';

/**
 * Which writes by agents are sensitive: held for a human's approval instead of applied (the approval gate). One
 * place, documented in README ("The approval gate"). Human writes are never held.
 */
export interface ProposedChange {
  entityType: string;
  action: ChangeAction;
  before?: unknown;
  after?: unknown;
}

/** Types whose every change is a permission or token change. */
const ACCESS_TYPES = new Set(['EntityPermission', 'ApiToken']);
/** Actions that change who may do what, whatever the type. */
const ACCESS_ACTIONS = new Set<ChangeAction>(['grant', 'revoke']);

const restricted = (row: unknown) => typeof row === 'object' && row !== null && 'visibility' in row && row.visibility === 'restricted';

/** Why an agent's change is sensitive (the rule that holds it), or null when it may be applied directly. */
export function sensitiveBecause(change: ProposedChange): string | null {
  if (change.entityType === 'Contract') return 'CONTRACT_CHANGE';
  if (change.action === 'archive') return 'ARCHIVE';
  if (ACCESS_TYPES.has(change.entityType) || ACCESS_ACTIONS.has(change.action)) return 'PERMISSION_OR_TOKEN_CHANGE';
  if (restricted(change.before) || restricted(change.after)) return 'RESTRICTED_ENTITY';
  return null;
}

const TIMEOUT_MS = 5_000;

/**
 * The gate every subgraph installs in its request context: the policy above, and proposals stored by the agents
 * subgraph (POST /internal/approvals, signed by this subgraph on the agent's behalf, the agent's header as evidence).
 */
export function approvalGate(ownerUrls: OwnerUrls, subgraph: SubgraphName): WriteGate {
  return {
    sensitive: sensitiveBecause,
    async propose(ctx: RequestContext, held: HeldChange): Promise<string> {
      const agentsUrl = ownerUrls.agents;
      if (!agentsUrl || !ctx.operation) throw new Error('the approval gate needs the agents subgraph and the operation');
      const body = { subgraph, operation: ctx.operation, held };
      const response = await fetch(agentsUrl.replace(/\/graphql$/, '/internal/approvals'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: ctx.delegate('agents', body) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const answer: unknown = await response.json();
      if (
        !response.ok ||
        typeof answer !== 'object' ||
        answer === null ||
        !('approvalId' in answer) ||
        typeof answer.approvalId !== 'string'
      ) {
        throw new Error(`agents answered ${response.status} to a proposal`);
      }
      return answer.approvalId;
    },
  };
}
