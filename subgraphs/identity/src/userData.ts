import type { Claims } from '@wrk/platform';
import type { User } from './__generated__/prisma/client.ts';

export interface UserDataAccess {
  email: boolean;
  boxUserId: boolean;
}

/**
 * Who may read a user's e-mail and Box user id. The `User` type's field resolvers ask this, so it holds on
 * every path that returns a user (`me`, `user`, `users`, team members, token owners, `_entities`).
 * - Anonymous callers: neither (deny by default, though the gateway refuses them before any field resolves).
 * - An agent token with an allowlist reaches only its own user and the users its allowlist names.
 * - Within that reach, the e-mail is the staff directory: every caller that may read users sees it.
 * - The Box user id decides which Box files a caller sees: only the user themselves and `identity:admin`.
 */
export function userDataAccess(claims: Claims, user: User): UserDataAccess {
  if (claims.kind === 'system') return { email: true, boxUserId: true };
  if (claims.kind === 'anonymous') return { email: false, boxUserId: false };
  const self = claims.sub !== undefined && claims.sub === user.externalId;
  const inReach = self || !claims.allow?.length || claims.allow.includes(user.externalId);
  return {
    email: inReach,
    boxUserId: inReach && (self || claims.scopes.includes('identity:admin')),
  };
}
