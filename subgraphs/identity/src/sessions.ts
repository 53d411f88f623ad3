import {
  decodeJwt,
  JwtError,
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  verifyDecodedJwt,
  type Claims,
  type DecodedJwt,
} from '@wrk/platform';
import type { IdentityDb } from './db.ts';
import type { AuthState, TokenKind, UserRole } from './__generated__/prisma/enums.ts';
import { effectiveScopes } from './scopes.ts';
import { hashTokenId, verificationKey } from './tokens.ts';

export class InvalidTokenError extends Error {}

/** A token's record with its signing key, its user, the user's teams and the grants of user, teams and role. */
interface SessionRow {
  tokenId: string;
  kind: TokenKind;
  agentName: string | null;
  scopes: string[];
  allow: string[];
  expiresAt: Date;
  revokedAt: Date | null;
  keyId: string;
  publicJwk: unknown;
  keyRetiredAt: Date | null;
  userId: string;
  role: UserRole;
  authState: AuthState;
  boxUserId: string | null;
  teams: string[];
  grants: string[];
  writeGrants: string[];
}

/** Everything a session's claims are made of, in one statement (a session-cache miss costs one SQL statement). */
const sessionRow = async (db: IdentityDb, jtiHash: string): Promise<SessionRow | undefined> =>
  (
    await db.$queryRaw<SessionRow[]>`
      SELECT t.external_id AS "tokenId", t.kind::text AS kind, t.agent_name AS "agentName", t.scopes, t.allow,
             t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt", t.key_id AS "keyId",
             k.public_jwk AS "publicJwk", k.retired_at AS "keyRetiredAt",
             u.external_id AS "userId", u.role::text AS role, u.auth_state::text AS "authState", u.box_user_id AS "boxUserId",
             teams.ids AS teams, grants.ids AS grants, grants.write_ids AS "writeGrants"
      FROM "identity"."api_tokens" t
      JOIN "identity"."users" u ON u.id = t.user_id
      LEFT JOIN "identity"."signing_keys" k ON k.kid = t.key_id
      CROSS JOIN LATERAL (
        SELECT COALESCE(array_agg(team.external_id ORDER BY team.id), '{}') AS ids
        FROM "identity"."team_memberships" m JOIN "identity"."teams" team ON team.id = m.team_id
        WHERE m.user_id = u.id
      ) teams
      CROSS JOIN LATERAL (
        SELECT COALESCE(array_agg(DISTINCT p.entity_id), '{}') AS ids,
               COALESCE(array_agg(DISTINCT p.entity_id) FILTER (WHERE p.permission <> 'read'), '{}') AS write_ids
        FROM "identity"."entity_permissions" p
        WHERE (p.subject_type = 'user' AND p.subject_id = u.external_id)
           OR (p.subject_type = 'team' AND p.subject_id = ANY (teams.ids))
           OR (p.subject_type = 'role' AND p.subject_id = u.role::text)
      ) grants
      WHERE t.jti_hash = ${jtiHash}`
  )[0];

const invalid = (error: unknown) => new InvalidTokenError(`invalid token: ${error instanceof Error ? error.message : String(error)}`);

/** The token's signature, by the key its record names (which must be the header's, and not retired). */
function checkSignature(decoded: DecodedJwt, row: SessionRow): void {
  if (decoded.header.kid !== row.keyId || row.publicJwk === null || row.keyRetiredAt) throw invalid('no applicable key');
  try {
    verifyDecodedJwt(decoded, verificationKey(row.keyId, row.publicJwk), {
      algorithm: TOKEN_ALGORITHM,
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
    });
  } catch (error) {
    throw error instanceof JwtError ? invalid(error) : error;
  }
}

/**
 * The claims of a bearer token, read fresh on every request: a revoked or expired token, or a disabled user,
 * is refused at once, and the scopes are cut to what the user's current role allows (a demoted admin's tokens
 * lose `identity:admin` on the next request; a promotion widens no existing token). Grants (entity_permissions for the user, their teams and their role) ride along so
 * every subgraph can apply row-level visibility without asking identity again.
 */
export async function sessionClaims(db: IdentityDb, token: string, requestId: string): Promise<Claims> {
  let decoded: DecodedJwt;
  try {
    decoded = decodeJwt(token);
  } catch (error) {
    throw invalid(error);
  }
  const { jti, sub } = decoded.payload;
  if (typeof jti !== 'string' || typeof sub !== 'string') throw invalid('token lacks jti or sub');
  // A failed read is not an InvalidTokenError: the token was not judged (routes.ts answers 503 or 500).
  const row = await sessionRow(db, hashTokenId(jti));
  if (!row) throw new InvalidTokenError('unknown token');
  checkSignature(decoded, row);
  if (row.userId !== sub) throw new InvalidTokenError('unknown token');
  if (row.revokedAt) throw new InvalidTokenError('token revoked');
  if (row.expiresAt <= new Date()) throw new InvalidTokenError('token expired');
  if (row.authState !== 'active') throw new InvalidTokenError('user disabled');

  return {
    kind: row.kind,
    sub: row.userId,
    role: row.role,
    teams: row.teams,
    scopes: effectiveScopes(row.scopes, row.role),
    ...(row.agentName ? { agent: row.agentName } : {}),
    ...(row.allow.length ? { allow: row.allow } : {}),
    tokenId: row.tokenId,
    ...(row.boxUserId ? { accounts: { box: row.boxUserId } } : {}),
    grants: row.grants,
    writeGrants: row.writeGrants,
    requestId,
  };
}
