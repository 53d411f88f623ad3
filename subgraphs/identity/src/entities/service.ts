import { newRowColumns } from '@wrk/catalog/rows';
import { SESSION_CHANNEL, writeAndRecord, type ChangeAction, type RequestContext } from '@wrk/platform';
import type { IdentityDb, Tx } from '../db.ts';
import type { IdentityTypename } from './names.ts';

/** A request's context, or the platform's own (the CLI, the stack): who writes, and the database. */
export type WritingContext = RequestContext & { db: IdentityDb };

/** Columns the service sets on every new row: its external ID and attribution. */
export interface NewRowColumns {
  externalId: string;
  actor: string;
  sourceSystem: string;
}

/** What the service needs of an identity entity type; each entity folder's spec.ts gives it. */
export interface IdentityEntitySpec<Row, Create> {
  typename: IdentityTypename;
  /** Inserts a row (inside the service's transaction), typed by Prisma's generated create input. */
  insert(tx: Tx, columns: NewRowColumns, data: Create): Promise<Row>;
}

type Recorded = { externalId: string };

/**
 * Whose cached sessions a change invalidates (the gateways LISTEN on SESSION_CHANNEL), or nothing: a new user, team or
 * token is in no session yet. A grant or a team change reaches users through teams and roles, so every session goes.
 */
function sessionsTouched(typename: IdentityTypename, action: ChangeAction, externalId: string): string | undefined {
  if (action === 'create' && typename !== 'EntityPermission') return undefined;
  if (typename === 'ApiToken') return `token:${externalId}`;
  if (typename === 'User') return `user:${externalId}`;
  return 'all';
}

/** The write, then the notification, which Postgres delivers only if the transaction commits. */
const notifyingSessions =
  <Row extends Recorded>(
    typename: IdentityTypename,
    action: ChangeAction,
    write: (tx: Tx) => Promise<{ before?: object | null; after: Row }>,
  ) =>
  async (tx: Tx) => {
    const change = await write(tx);
    const touched = sessionsTouched(typename, action, change.after.externalId);
    if (touched) await tx.$executeRaw`SELECT pg_notify(${SESSION_CHANNEL}, ${touched})`;
    return change;
  };

/**
 * The one write path of the identity subgraph: every change runs inside writeAndRecord (audit log and outbox in the
 * same transaction). Checks of who may write stay with the callers (resolvers, the CLI), which differ.
 */
export const identityService = {
  /** A new row with a fresh external ID and attribution; a permission's creation is recorded as a `grant`. */
  create: <Row extends Recorded, Create>(
    ctx: WritingContext,
    spec: IdentityEntitySpec<Row, Create>,
    data: Create,
    action: 'create' | 'grant' = 'create',
  ): Promise<Row> =>
    writeAndRecord(
      ctx,
      spec.typename,
      action,
      notifyingSessions(spec.typename, action, async (tx) => ({ after: await spec.insert(tx, newRowColumns(ctx, spec.typename), data) })),
    ),
  /**
   * A change to existing rows: `write` reads what it changes (under a lock where a rule needs one) and returns it before
   * and after; a team gaining or losing a member is recorded on the team as `link` / `unlink`.
   */
  change: <Row extends Recorded>(
    ctx: WritingContext,
    spec: Pick<IdentityEntitySpec<Row, never>, 'typename'>,
    action: 'create' | 'update' | 'revoke' | 'link' | 'unlink',
    write: (tx: Tx) => Promise<{ before?: object | null; after: Row }>,
  ): Promise<Row> => writeAndRecord(ctx, spec.typename, action, notifyingSessions(spec.typename, action, write)),
};
