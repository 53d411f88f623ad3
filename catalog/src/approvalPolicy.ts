import {
  argumentStrings,
  CLAIMS_HEADER,
  singleFieldOperation,
  type ChangeAction,
  type GraphQLOperation,
  type HeldChange,
  type RequestContext,
  type WriteGate,
} from '@wrk/platform';
import { entityTypeOfId } from './index.ts';
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

const columnOf = (row: unknown, column: string): unknown =>
  typeof row === 'object' && row !== null && column in row ? Reflect.get(row, column) : undefined;

/** Columns of a user that decide what they may do: their role, and whether they may sign in at all. */
const USER_ACCESS_COLUMNS = ['role', 'authState'];

/**
 * Changes of who may do what outside the access types: a new user (who always gets a role), a user's role or sign-in
 * state changed, a team gaining or losing a member (teams carry grants).
 */
function changesAccess(change: ProposedChange): boolean {
  if (change.entityType === 'User') {
    return (
      change.action === 'create' || USER_ACCESS_COLUMNS.some((column) => columnOf(change.before, column) !== columnOf(change.after, column))
    );
  }
  return change.entityType === 'Team' && (change.action === 'link' || change.action === 'unlink');
}

/** Why an agent's change is sensitive (the rule that holds it), or null when it may be applied directly. */
export function sensitiveBecause(change: ProposedChange): string | null {
  if (change.entityType === 'Contract') return 'CONTRACT_CHANGE';
  if (change.action === 'archive') return 'ARCHIVE';
  if (ACCESS_TYPES.has(change.entityType) || ACCESS_ACTIONS.has(change.action) || changesAccess(change)) {
    return 'PERMISSION_OR_TOKEN_CHANGE';
  }
  if (restricted(change.before) || restricted(change.after)) return 'RESTRICTED_ENTITY';
  return null;
}

const TIMEOUT_MS = 5_000;

/**
 * Who may see a held change without a target in the inbox: who sees every entity the held mutation names (a contract
 * created in project P, for an organization O: who sees P and O). A permission or token change, or a creation that
 * names no entity, gets none: only admins see it (deny by default).
 */
export function approvalScopeOf(held: Pick<HeldChange, 'targetId' | 'reason'>, operation: GraphQLOperation): string[] {
  if (held.targetId !== null || held.reason === 'PERMISSION_OR_TOKEN_CHANGE') return [];
  return argumentStrings(operation).filter((value) => entityTypeOfId(value)?.linkable);
}

/** The held mutation field alone, as an operation: the other mutations of the agent's request are not the proposal. */
const heldOperation = ({ operation, mutationField }: RequestContext): GraphQLOperation | null =>
  operation && mutationField ? singleFieldOperation(operation, mutationField) : null;

/**
 * The gate every subgraph installs in its request context: the policy above, and proposals stored by the agents
 * subgraph (POST /internal/approvals, signed by this subgraph on the agent's behalf, the agent's header as evidence).
 */
export function approvalGate(ownerUrls: OwnerUrls, subgraph: SubgraphName): WriteGate {
  return {
    sensitive: sensitiveBecause,
    async propose(ctx: RequestContext, held: HeldChange): Promise<string> {
      const agentsUrl = ownerUrls.agents;
      const operation = heldOperation(ctx);
      if (!agentsUrl || !operation) throw new Error('the approval gate needs the agents subgraph and the held mutation');
      const body = { subgraph, operation, held: { ...held, scopeIds: approvalScopeOf(held, operation) } };
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
