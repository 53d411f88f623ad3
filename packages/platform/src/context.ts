import type { Claims, SignedBody, VerifiedRequest } from './claims.ts';
import type { Change } from './audit.ts';

/** Signs this service's own request to another owner, on behalf of the caller (see signDelegated). */
export type Delegate = (audience: string, body: SignedBody, options?: { withoutAllowlist?: boolean }) => string;

const noDelegation: Delegate = () => {
  throw new Error('this context was not created from a signed request and cannot ask other services');
};

/** What every resolver of every subgraph knows about the request: verified claims and write attribution. */
export interface RequestContext {
  claims: Claims;
  requestId: string;
  /** Who writes: taken from the verified claims, never from client input. */
  actor: string;
  /** Through what: web, agent:<name>, cli, seed, or a sync job */
  sourceSystem: string;
  /** How this request asks other subgraphs (an entity's owner) on the caller's behalf. */
  delegate: Delegate;
  /** The signed header the request arrived with (absent for the platform's own writes: CLI, seed). */
  signature?: VerifiedRequest;
  /** Set when this request applies an agent's proposal a human approved: the audit rows name the agent and its run. */
  approved?: ApprovedProposal;
  /** The approval gate of the subgraph: which agent writes are held for a human, and where they are stored. */
  gate?: WriteGate;
  /** The operation this request carries (what an approval re-executes). */
  operation?: GraphQLOperation;
  /**
   * The response key of the root mutation field being resolved (mutations run one root field at a time): the gate
   * stores only that field's operation, so an approval applies exactly the held write.
   */
  mutationField?: string;
}

export interface GraphQLOperation {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
}

/** An agent's change the gate held: not applied, stored for a human to decide. */
export interface HeldChange {
  entityType: string;
  action: Change['action'];
  /** The changed entity; null for a new row (a creation, a grant: the approved re-execution creates its own). */
  targetId: string | null;
  before: unknown;
  diff: Record<string, unknown>;
  /** The target's updated_at (ISO) when proposed: an approval of a changed target is refused as stale. */
  targetVersion: string | null;
  /** The policy rule that held it. */
  reason: string;
}

export interface WriteGate {
  /** Why an agent's change must wait for a human (the policy's rule), or null. */
  sensitive(change: Change): string | null;
  /** Stores the held change, with this request's operation and provenance, as a pending approval; its ID. */
  propose(ctx: RequestContext, held: HeldChange): Promise<string>;
}

/** An approved agent proposal being applied by its approver (see the approval gate). */
export interface ApprovedProposal {
  approvalId: string;
  /** The agent that proposed it (actor `agent:<name>`). */
  requestedBy: string;
  runId: string | null;
  sourceRefs: unknown[] | null;
  targetId: string | null;
  /** The target's version (updated_at, ISO) when the agent proposed the change, and its state then. */
  targetVersion: string | null;
  targetBefore: unknown;
}

export function requestContextFromClaims(claims: Claims, delegate: Delegate = noDelegation): RequestContext {
  return {
    claims,
    delegate,
    requestId: claims.requestId,
    actor: actorOf(claims),
    sourceSystem: sourceSystemOf(claims),
  };
}

function actorOf(claims: Claims): string {
  if (claims.kind === 'agent') return `agent:${claims.agent ?? 'unknown'}`;
  return claims.sub ?? claims.kind;
}

function sourceSystemOf(claims: Claims): string {
  if (claims.kind === 'agent') return `agent:${claims.agent ?? 'unknown'}`;
  if (claims.kind === 'system') return claims.agent ?? 'system';
  return 'web';
}

/** A reference to an entity another subgraph owns: the gateway fetches its fields from the owner. */
export interface EntityRef {
  __typename?: string;
  id: string;
}
