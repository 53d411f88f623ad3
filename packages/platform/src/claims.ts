import { SignJWT, jwtVerify } from 'jose';

/** What the gateway tells a subgraph about the caller, signed so subgraphs trust only the gateway. */
export interface Claims {
  /** External ID of the user, or of the user who issued an agent token. Absent for anonymous callers. */
  sub?: string;
  /** 'staff' | 'agent' | 'anonymous' | 'system' */
  kind: 'staff' | 'agent' | 'anonymous' | 'system';
  role?: string;
  teams: string[];
  scopes: string[];
  agent?: string;
  tokenId?: string;
  boxUserId?: string;
  /** Agent tokens may be narrowed to these entity IDs. */
  allow?: string[];
  /** Restricted entities this caller was granted through entity_permissions (directly, via a team or a role). */
  grants?: string[];
  /** The subset of `grants` that allows writing. */
  writeGrants?: string[];
  requestId: string;
}

export const CLAIMS_HEADER = 'x-wrk-claims';
const ISSUER = 'wrk-gateway';
const AUDIENCE = 'wrk-subgraphs';
const LIFETIME_SECONDS = 60;

function key(secret: string): Uint8Array {
  if (secret.length < 32) throw new Error('WRK_GATEWAY_SECRET must be at least 32 characters');
  return new TextEncoder().encode(secret);
}

export async function signClaims(claims: Claims, secret: string): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(key(secret));
}

/** Verified claims, or throws when the header is forged, expired or missing fields. */
export async function verifyClaims(token: string, secret: string): Promise<Claims> {
  const { payload } = await jwtVerify(token, key(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
  const claims = payload as unknown as Claims;
  if (!claims.kind || !Array.isArray(claims.scopes) || !Array.isArray(claims.teams) || !claims.requestId) {
    throw new Error('claims are incomplete');
  }
  return claims;
}

export function gatewaySecret(): string {
  const secret = process.env.WRK_GATEWAY_SECRET;
  if (secret) return secret;
  if (process.env.NODE_ENV === 'production') throw new Error('WRK_GATEWAY_SECRET is required in production');
  return 'wrk-dev-gateway-secret-change-me-in-production';
}

/** Bearer tokens (issued by identity, verified by the gateway). */
export const TOKEN_ISSUER = 'wrk-identity';
export const TOKEN_AUDIENCE = 'wrk';
export const TOKEN_ALGORITHM = 'ES256';
