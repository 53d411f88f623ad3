import { isUnavailableError, type Claims } from '@wrk/platform';
import type { IdentityDb } from './db.ts';
import { effectiveScopes } from './scopes.ts';
import { hashTokenId, verifyTokenSignature } from './tokens.ts';

export class InvalidTokenError extends Error {}

/**
 * The claims of a bearer token, read fresh on every request: a revoked or expired token, or a disabled user,
 * is refused at once, and the scopes are cut to what the user's current role allows (a demoted admin's tokens
 * lose `identity:admin` on the next request; a promotion widens no existing token). Grants (entity_permissions for the user, their teams and their role) ride along so
 * every subgraph can apply row-level visibility without asking identity again.
 */
export async function sessionClaims(db: IdentityDb, token: string, requestId: string): Promise<Claims> {
  const { jti, sub } = await verifyTokenSignature(db, token).catch((error: unknown) => {
    // Reading the keys failed: the token was not judged, and is not to be refused for it.
    if (isUnavailableError(error)) throw error;
    throw new InvalidTokenError(`invalid token: ${error instanceof Error ? error.message : String(error)}`);
  });
  const record = await db.apiToken.findUnique({
    where: { jtiHash: hashTokenId(jti) },
    include: { user: { include: { memberships: { include: { team: true } } } } },
  });
  if (!record || record.user.externalId !== sub) throw new InvalidTokenError('unknown token');
  if (record.revokedAt) throw new InvalidTokenError('token revoked');
  if (record.expiresAt <= new Date()) throw new InvalidTokenError('token expired');
  if (record.user.authState !== 'active') throw new InvalidTokenError('user disabled');

  const user = record.user;
  const teams = user.memberships.map((membership) => membership.team.externalId);
  const permissions = await db.entityPermission.findMany({
    where: {
      OR: [
        { subjectType: 'user', subjectId: user.externalId },
        { subjectType: 'team', subjectId: { in: teams } },
        { subjectType: 'role', subjectId: user.role },
      ],
    },
    select: { entityId: true, permission: true },
  });
  return {
    kind: record.kind,
    sub: user.externalId,
    role: user.role,
    teams,
    scopes: effectiveScopes(record.scopes, user.role),
    ...(record.agentName ? { agent: record.agentName } : {}),
    ...(record.allow.length ? { allow: record.allow } : {}),
    tokenId: record.externalId,
    ...(user.boxUserId ? { accounts: { box: user.boxUserId } } : {}),
    grants: [...new Set(permissions.map((p) => p.entityId))],
    writeGrants: [...new Set(permissions.filter((p) => p.permission !== 'read').map((p) => p.entityId))],
    requestId,
  };
}
