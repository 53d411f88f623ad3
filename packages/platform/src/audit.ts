import { newExternalId } from './ids.ts';
import type { HeldChange, RequestContext, WriteGate } from './context.ts';
import { ErrorCode, graphQLError, translateDatabaseError } from './errors.ts';
import { OUTBOX_CHANNEL } from './outbox.ts';

/** Any Prisma client or interactive-transaction client. */
export interface RawSqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export type ChangeAction = 'create' | 'update' | 'archive' | 'link' | 'unlink' | 'grant' | 'revoke';

export interface Change {
  entityType: string;
  entityId: string;
  action: ChangeAction;
  before?: object | null;
  after?: object | null;
}

/** JSON-safe copy of a row: BigInt as string, Date as ISO string. */
export function toJson(value: unknown): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  return copy;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The fields that changed between two JSON snapshots (see toJson), as { field: { from, to } }. */
export function diffOf(before: unknown, after: unknown): Record<string, unknown> {
  const a = isRecord(before) ? before : {};
  const b = isRecord(after) ? after : {};
  const diff: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === 'updatedAt') continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) diff[key] = { from: a[key] ?? null, to: b[key] ?? null };
  }
  return diff;
}

/**
 * Writes the audit row and the outbox event of a change. Call it with the transaction client of the change
 * itself, so that the change, its audit row and its event commit or roll back together.
 */
export async function recordChange(tx: RawSqlExecutor, ctx: RequestContext, change: Change): Promise<void> {
  const before = change.before ? toJson(change.before) : null;
  const after = change.after ? toJson(change.after) : null;
  const provenance = provenanceOf(ctx);
  await tx.$executeRawUnsafe(
    `INSERT INTO "platform"."audit_logs"
       (external_id, entity_type, entity_id, action, before, after, diff, actor, source_system, request_id,
        run_id, source_refs, on_behalf_of)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12::jsonb, $13)`,
    newExternalId('aud'),
    change.entityType,
    change.entityId,
    change.action,
    JSON.stringify(before),
    JSON.stringify(after),
    JSON.stringify(diffOf(before, after)),
    ctx.actor,
    ctx.sourceSystem,
    ctx.requestId,
    provenance.runId,
    provenance.sourceRefs === null ? null : JSON.stringify(provenance.sourceRefs),
    provenance.onBehalfOf,
  );
  // The outbox event, and a notification to the relay (outbox.ts) that Postgres sends only if this commits.
  await tx.$executeRawUnsafe(
    `WITH event AS (
       INSERT INTO "platform"."integration_events"
         (external_id, direction, event_type, entity_type, entity_id, source, payload, actor, source_system, request_id)
       VALUES ($1, 'outbound', $2, $3, $4, 'wrk', $5::jsonb, $6, $7, $8)
       RETURNING 1
     )
     SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM event`,
    newExternalId('evt'),
    `${change.entityType}.${change.action}`,
    change.entityType,
    change.entityId,
    JSON.stringify({ entityId: change.entityId, action: change.action, after }),
    ctx.actor,
    ctx.sourceSystem,
    ctx.requestId,
  );
}

/**
 * The provenance columns of an audit row: an agent's run and sources, and whom the write was done for — the user who
 * issued the agent's token, or, for a change a human approved, the agent that proposed it.
 */
export function provenanceOf(ctx: RequestContext): { runId: string | null; sourceRefs: unknown[] | null; onBehalfOf: string | null } {
  if (ctx.approved) {
    return { runId: ctx.approved.runId, sourceRefs: ctx.approved.sourceRefs, onBehalfOf: ctx.approved.requestedBy };
  }
  const provenance = ctx.claims.kind === 'agent' ? ctx.claims.provenance : undefined;
  return {
    runId: provenance?.runId ?? null,
    sourceRefs: provenance?.sourceRefs ?? null,
    onBehalfOf: ctx.claims.kind === 'agent' ? (ctx.claims.sub ?? null) : null,
  };
}

/**
 * An agent's write must name its open run and the sources it derives from (the gateway verified both before signing
 * them into the claims); a write that opens a run is the provenance itself and needs none. Human writes are unchanged.
 */
export function assertProvenance(ctx: RequestContext, options: WriteOptions = {}): void {
  if (ctx.claims.kind !== 'agent' || options.opensRun) return;
  const provenance = ctx.claims.provenance;
  if (!provenance?.runId || provenance.sourceRefs.length === 0) {
    throw graphQLError(
      ErrorCode.PROVENANCE_REQUIRED,
      'An agent write must name its run and its sources: send extensions: { wrk: { runId, sourceRefs } } with the request',
    );
  }
}

export interface WriteOptions {
  /** The write starts or finishes a run: it is the provenance of the agent's other writes, and needs none itself. */
  opensRun?: boolean;
}

/** Attribution columns for a row written now by this request. */
export function attribution(ctx: RequestContext): { actor: string; sourceSystem: string } {
  return { actor: ctx.actor, sourceSystem: ctx.sourceSystem };
}

/** A Prisma client: runs an interactive transaction with its transaction client. */
export interface TransactionRunner<Tx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R>;
}

/**
 * Runs a write and records it: the row, its audit_logs row and its integration_events row commit together
 * or not at all. Database refusals become client errors with stable codes. `ctx.db` is the subgraph's
 * Prisma client; the write gets its transaction client.
 */
export async function writeAndRecord<Tx extends RawSqlExecutor, Row extends { externalId: string }>(
  ctx: RequestContext & { db: TransactionRunner<Tx> },
  entityType: string,
  action: ChangeAction,
  write: (tx: Tx) => Promise<{ before?: object | null; after: Row }>,
  options: WriteOptions = {},
): Promise<Row> {
  assertProvenance(ctx, options);
  let held: HeldChange | null = null;
  try {
    return await ctx.db.$transaction(async (tx) => {
      const { before, after } = await write(tx);
      const change = { entityType, entityId: after.externalId, action, before, after };
      held = heldForApproval(ctx, change);
      if (held) throw HOLD;
      await recordChange(tx, ctx, change);
      return after;
    });
  } catch (error) {
    if (error === HOLD && held && ctx.gate) throw await proposed(ctx.gate, ctx, held);
    translateDatabaseError(error);
  }
}

/** Thrown inside a write's transaction to roll back a change the gate held. */
const HOLD = new Error('held for approval');

const versionOf = (snapshot: unknown): string | null =>
  isRecord(snapshot) && typeof snapshot.updatedAt === 'string' ? snapshot.updatedAt : null;

/**
 * The approval gate, inside the write's transaction where the target's state and the diff are known: an agent's
 * sensitive change is held (rolled back, then stored for a human); an approved proposal passes once, unless its
 * target changed since it was proposed (CONFLICT, reason STALE_PROPOSAL, naming the fields that changed).
 */
function heldForApproval(ctx: RequestContext, change: Change): HeldChange | null {
  const before = change.before ? toJson(change.before) : null;
  if (ctx.approved) {
    const { targetId, targetVersion, targetBefore } = ctx.approved;
    if (targetId === change.entityId && change.action !== 'create' && versionOf(before) !== targetVersion) {
      const changed = Object.keys(diffOf(targetBefore, before));
      throw graphQLError(ErrorCode.CONFLICT, `The target changed since the proposal: ${changed.join(', ') || 'updatedAt'}`, {
        reason: 'STALE_PROPOSAL',
        changed,
      });
    }
    return null;
  }
  if (ctx.claims.kind !== 'agent' || !ctx.gate) return null;
  const reason = ctx.gate.sensitive(change);
  if (!reason) return null;
  return {
    entityType: change.entityType,
    action: change.action,
    // A creation or grant has no target yet: the approved re-execution makes its own row.
    targetId: before ? change.entityId : null,
    before,
    diff: diffOf(before, change.after ? toJson(change.after) : null),
    targetVersion: versionOf(before),
    reason,
  };
}

async function proposed(gate: WriteGate, ctx: RequestContext, held: HeldChange) {
  const approvalId = await gate.propose(ctx, held);
  return graphQLError(ErrorCode.APPROVAL_REQUIRED, `This change by an agent waits for a human's approval (${approvalId})`, {
    approvalId,
    reason: held.reason,
  });
}
