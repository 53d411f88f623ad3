import { entityTypeOfId, SUBGRAPHS, type SubgraphName } from '@wrk/catalog';
import type { OwnerUrls } from '@wrk/catalog/owners';
import {
  argumentStrings,
  CLAIMS_HEADER,
  ErrorCode,
  graphQLError,
  numberFromEnv,
  operationOf,
  signedRoute,
  writeAndRecord,
  type GraphQLOperation,
  type ReplayGuard,
  type SubgraphDefinition,
} from '@wrk/platform';
import { GraphQLError } from 'graphql';
import type { Context } from '../../context.ts';
import type { AgentApproval, Prisma } from '../../db.ts';
import { agentsService } from '../service.ts';
import { agentApprovalSpec } from './spec.ts';
import { jsonValue } from '../../inputs.ts';

/** How long a held write waits for a decision, in seconds (`WRK_APPROVAL_TTL`, default 72 h); expired, it cannot be approved. */
const approvalTtlSeconds = () => numberFromEnv(process.env, 'WRK_APPROVAL_TTL', 72 * 3600);
const TIMEOUT_MS = 10_000;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSubgraph = (value: unknown): value is SubgraphName => SUBGRAPHS.some((name) => name === value);
const snake = (typename: string) => typename.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const json = (value: unknown): Prisma.InputJsonValue => jsonValue('held', value) ?? {};

/**
 * POST /internal/approvals: a subgraph whose gate held an agent's write (signed by it on the agent's behalf) stores it
 * here as a PENDING approval — the exact operation and variables, target, diff, version, run, sources and expiry —
 * through the normal write path (audit row and the `AgentApproval.create` outbox event: "requested"). 201 with its ID.
 */
export const approvalsRoute =
  (replayGuard: ReplayGuard): NonNullable<SubgraphDefinition<Context>['routes']> =>
  (app, verify, contextFor) =>
    signedRoute(
      app,
      '/internal/approvals',
      verify,
      (request) => request.delegated && isSubgraph(request.issuer) && request.claims.kind === 'agent',
      async (signed, body) => {
        // A proposal's signed header is good for one proposal.
        if (!(await replayGuard.useOnce(signed.jti, signed.expiresAt))) return { status: 401, body: { error: 'already used' } };
        const ctx = contextFor(signed);
        const operation = isRecord(body) ? operationOf(body.operation) : null;
        const held = isRecord(body) && isRecord(body.held) ? body.held : null;
        const provenance = ctx.claims.provenance;
        if (!operation || !held || !provenance || body === null || !isRecord(body) || body.subgraph !== signed.issuer) {
          return { status: 400, body: { error: 'operation, held change and provenance are required' } };
        }
        const run = await ctx.db.agentRun.findUnique({ where: { externalId: provenance.runId } });
        const approval = await agentsService.create(ctx, agentApprovalSpec, {
          runId: run?.id ?? null,
          action: `${String(held.action)}_${snake(String(held.entityType))}`,
          payload: json({ entityType: held.entityType, action: held.action, reason: held.reason }),
          targetId: typeof held.targetId === 'string' ? held.targetId : null,
          status: 'pending',
          requestedBy: ctx.actor,
          sourceRefs: json(provenance.sourceRefs),
          subgraph: signed.issuer,
          operation: operation.query,
          operationName: operation.operationName,
          variables: json(operation.variables),
          diff: json(held.diff),
          targetBefore: json(held.before),
          targetVersion: typeof held.targetVersion === 'string' ? held.targetVersion : null,
          scopeIds: Array.isArray(held.scopeIds) ? held.scopeIds.filter((id): id is string => typeof id === 'string') : [],
          expiresAt: new Date(Date.now() + approvalTtlSeconds() * 1000),
        });
        return { status: 201, body: { approvalId: approval.externalId } };
      },
    );

const conflict = (message: string, reason: string) => graphQLError(ErrorCode.CONFLICT, message, { reason });

/** Moves a pending approval to a decision, once: CONFLICT (ALREADY_DECIDED) if someone decided it first. */
function decide(ctx: Context, approval: AgentApproval, from: AgentApproval['status'], data: Prisma.AgentApprovalUpdateManyMutationInput) {
  return writeAndRecord(ctx, 'AgentApproval', 'update', async (tx) => {
    const { count } = await tx.agentApproval.updateMany({ where: { id: approval.id, status: from }, data });
    if (count === 0) throw conflict(`${approval.externalId} was already decided`, 'ALREADY_DECIDED');
    return { before: approval, after: await tx.agentApproval.findUniqueOrThrow({ where: { id: approval.id } }) };
  });
}

function assertPending(approval: AgentApproval) {
  if (approval.status !== 'pending') throw conflict(`${approval.externalId} was already decided`, 'ALREADY_DECIDED');
}

/** The subgraph that owns what an approval would change: the one that held it, else its target's owner. */
function ownerOf(approval: AgentApproval): SubgraphName | null {
  if (isSubgraph(approval.subgraph)) return approval.subgraph;
  return approval.targetId ? (entityTypeOfId(approval.targetId)?.owner ?? null) : null;
}

/**
 * Deciding takes what writing takes: the human must be allowed to make the held change themselves — the held
 * mutation's scopes and write access to its target, asked of the owner on their behalf. Seeing it is not enough
 * (the inbox shows it to everyone who sees the target): FORBIDDEN, as for any write they may not make.
 */
async function assertMayDecide(ctx: Context, ownerUrls: OwnerUrls, approval: AgentApproval): Promise<void> {
  const owner = ownerOf(approval);
  // Neither operation nor target (a request naming nothing): only admins see it, and they may decide it.
  if (!owner) return;
  const ownerUrl = ownerUrls[owner];
  if (!ownerUrl) throw new Error(`no URL for ${owner}, the owner of ${approval.externalId}`);
  const operation =
    approval.operation === null
      ? null
      : { query: approval.operation, operationName: approval.operationName, variables: approval.variables ?? {} };
  const { response, answer } = await postToOwner(ctx, ownerUrl, owner, '/internal/writable', { operation, targetId: approval.targetId });
  if (!response.ok || !isRecord(answer) || typeof answer.writable !== 'boolean') {
    throw new Error(`${owner} answered ${response.status} to a write check`);
  }
  if (!answer.writable) {
    throw graphQLError(ErrorCode.FORBIDDEN, `You may see ${approval.externalId} but not make the change it proposes, so not decide it`, {
      id: approval.externalId,
    });
  }
}

export async function rejectApproval(ctx: Context, ownerUrls: OwnerUrls, approval: AgentApproval, reason: string) {
  assertPending(approval);
  await assertMayDecide(ctx, ownerUrls, approval);
  return decide(ctx, approval, 'pending', { status: 'rejected', reason, decidedBy: ctx.actor, decidedAt: new Date() });
}

/**
 * Approves a pending, unexpired proposal and applies it through its owner's normal write path: agents signs, with its
 * own key and the approver's header as evidence, a request to the owner's /internal/apply carrying the stored
 * operation (its variables edited by the approver, if asked) and the approval as the marker that lets the gate pass
 * once. Applied, it is APPLIED; refused by the owner (stale target, validation, the approver's own rights), it is
 * pending again and the owner's error is the answer.
 */
export async function approveApproval(ctx: Context, ownerUrls: OwnerUrls, approval: AgentApproval, edit: Record<string, unknown> | null) {
  assertPending(approval);
  if (approval.expiresAt && approval.expiresAt.getTime() <= Date.now()) throw conflict(`${approval.externalId} expired`, 'EXPIRED');
  await assertMayDecide(ctx, ownerUrls, approval);
  const owner = isSubgraph(approval.subgraph) ? approval.subgraph : null;
  const ownerUrl = owner ? ownerUrls[owner] : undefined;
  if (!ownerUrl || approval.operation === null) throw conflict(`${approval.externalId} holds no operation to apply`, 'NOT_APPLICABLE');
  const stored = isRecord(approval.variables) ? approval.variables : {};
  const variables = { ...stored, ...(edit ?? {}) };
  assertEditKeepsReferences(approval, { query: approval.operation, operationName: approval.operationName, variables: stored }, variables);
  const decided = await decide(ctx, approval, 'pending', { status: 'approved', decidedBy: ctx.actor, decidedAt: new Date() });
  const run = approval.runId === null ? null : await ctx.db.agentRun.findUnique({ where: { id: approval.runId } });
  const body = {
    operation: { query: approval.operation, operationName: approval.operationName, variables },
    approval: {
      approvalId: approval.externalId,
      requestedBy: approval.requestedBy,
      runId: run?.externalId ?? null,
      sourceRefs: approval.sourceRefs,
      targetId: approval.targetId,
      targetVersion: approval.targetVersion,
      targetBefore: approval.targetBefore,
    },
  };
  const error = await appliedAt(ctx, ownerUrl, owner ?? 'core', body);
  if (error) {
    await decide(ctx, decided, 'approved', { status: 'pending', decidedBy: null, decidedAt: null });
    throw error;
  }
  return decide(ctx, decided, 'approved', { status: 'applied', appliedAt: new Date() });
}

/**
 * An edit changes values, never what the proposal is about: the entities its arguments name stay exactly those the
 * agent proposed (else the approver would apply, in the agent's name and run, a change to something it never proposed,
 * past the stale-target check of the original target). BAD_USER_INPUT, the approval stays pending.
 */
function assertEditKeepsReferences(approval: AgentApproval, proposed: GraphQLOperation, edited: Record<string, unknown>): void {
  const entitiesNamed = (variables: Record<string, unknown>) =>
    new Set(argumentStrings({ ...proposed, variables }).filter((value) => entityTypeOfId(value) !== undefined));
  const before = entitiesNamed(proposed.variables);
  const after = entitiesNamed(edited);
  if (before.size === after.size && [...before].every((id) => after.has(id))) return;
  throw graphQLError(ErrorCode.BAD_USER_INPUT, `An edit of ${approval.externalId} may change values, not which entities it names`, {
    field: 'edit',
  });
}

/** POSTs `body` to an internal route of the owner, signed on the decider's behalf (their header as evidence). */
async function postToOwner(ctx: Context, ownerUrl: string, owner: SubgraphName, route: string, body: object) {
  const response = await fetch(ownerUrl.replace(/\/graphql$/, route), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: ctx.delegate(owner, body) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const answer: unknown = await response.json();
  return { response, answer };
}

/** POSTs the approved operation to its owner; the owner's first error, or null when it applied. */
async function appliedAt(ctx: Context, ownerUrl: string, owner: SubgraphName, body: object): Promise<GraphQLError | null> {
  const { response, answer } = await postToOwner(ctx, ownerUrl, owner, '/internal/apply', body);
  const errors = isRecord(answer) && Array.isArray(answer.errors) ? answer.errors : [];
  const first: unknown = errors[0];
  if (response.ok && errors.length === 0) return null;
  if (!isRecord(first)) return graphQLError(ErrorCode.INTERNAL_SERVER_ERROR, 'The owner could not apply the approval');
  const extensions = isRecord(first.extensions) ? first.extensions : {};
  return new GraphQLError(typeof first.message === 'string' ? first.message : 'refused', { extensions });
}
