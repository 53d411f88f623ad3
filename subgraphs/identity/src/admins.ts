import { ErrorCode, graphQLError, type Claims } from '@wrk/platform';
import type { Tx } from './db.ts';
import type { User } from './__generated__/prisma/client.ts';

/** User administration is done by a person: an admin's staff token, never an agent's (whatever its scopes). */
export function requireAdministrator(claims: Claims): void {
  if (claims.kind !== 'staff' || claims.role !== 'admin' || !claims.scopes.includes('identity:admin')) {
    throw graphQLError(ErrorCode.FORBIDDEN, 'Only an admin, with a staff token, administers users');
  }
}

export type UserChanges = Partial<Pick<User, 'role' | 'name' | 'authState'>>;

const takesAdminAway = (changes: UserChanges) =>
  (changes.role !== undefined && changes.role !== 'admin') || changes.authState === 'disabled';

/** The external IDs of the active admins, their rows locked until the transaction ends (in id order). */
async function lockActiveAdmins(tx: Tx): Promise<string[]> {
  const rows = await tx.$queryRaw<{ external_id: string }[]>`
    SELECT external_id FROM "identity"."users" WHERE role = 'admin' AND auth_state = 'active' ORDER BY id FOR UPDATE`;
  return rows.map((row) => row.external_id);
}

/**
 * The user a change applies to, read inside the change's transaction; refuses a change that would leave no
 * active admin (nobody could administer users again). When the change may take admin away, the active
 * admins are locked before the user is read, so two admins demoting each other at once cannot both succeed:
 * the second waits for the first, then no longer counts it.
 */
export async function userToChange(tx: Tx, externalId: string, changes: UserChanges): Promise<User | null> {
  const activeAdmins = takesAdminAway(changes) ? await lockActiveAdmins(tx) : [];
  const user = await tx.user.findUnique({ where: { externalId } });
  if (user && activeAdmins.includes(user.externalId) && activeAdmins.length === 1) {
    throw graphQLError(ErrorCode.CONFLICT, `${externalId} is the last active admin: make another admin first`, {
      reason: 'LAST_ACTIVE_ADMIN',
    });
  }
  return user;
}
