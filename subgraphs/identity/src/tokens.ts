import { identityService, type WritingContext } from './entities/service.ts';
import { apiTokenSpec } from './entities/apiToken/spec.ts';
import { prefixOf } from '@wrk/catalog';
import { createHash, generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import {
  attribution,
  badUserInput,
  importSigningKey,
  importVerificationKey,
  machineName,
  newExternalId,
  numberFromEnv,
  requestContextFromClaims,
  signJwt,
  TOKEN_ALGORITHM as ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  type SigningKey,
  type VerificationKey,
} from '@wrk/platform';
import { randomUUID } from 'node:crypto';
import type { IdentityDb, Tx } from './db.ts';
import type { ApiToken, User } from './__generated__/prisma/client.ts';
import { TokenKind } from './__generated__/prisma/enums.ts';
import { ROLE_SCOPES, isScope, type Scope } from './scopes.ts';

const MAX_LIFETIME: Record<TokenKind, { variable: string; fallback: number }> = {
  staff: { variable: 'WRK_MAX_STAFF_TOKEN_TTL', fallback: 12 * 3600 },
  agent: { variable: 'WRK_MAX_AGENT_TOKEN_TTL', fallback: 30 * 24 * 3600 },
};

/** The longest a token of this kind may live, in seconds: its variable, else 12 h (staff) or 30 days (agent). */
export function maxTokenLifetime(kind: TokenKind): number {
  const { variable, fallback } = MAX_LIFETIME[kind];
  return numberFromEnv(process.env, variable, fallback);
}

/** Refuses a misconfigured maximum when the subgraph starts rather than on the first token issued. */
export function checkTokenLifetimes(): void {
  for (const kind of Object.values(TokenKind)) maxTokenLifetime(kind);
}

/** The lifetime asked for, or the kind's maximum when none is; above the maximum is refused. */
function tokenLifetime(kind: TokenKind, requested: number | null | undefined): number {
  const max = maxTokenLifetime(kind);
  const ttl = requested ?? max;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > max) {
    throw badUserInput('ttlSeconds', `a ${kind} token lives 1 to ${max} seconds`);
  }
  return ttl;
}

export const hashTokenId = (jti: string) => createHash('sha256').update(jti).digest('hex');

/** An EC key's JWK as stored JSON (its members are all strings). */
const jwkFields = (jwk: JsonWebKey): Record<string, string> =>
  Object.fromEntries(Object.entries(jwk).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

/** A new ES256 key pair; it signs from now on, and the previous keys still verify until retired. */
export async function rotateSigningKey(db: IdentityDb | Tx): Promise<string> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `key_${randomBytes(8).toString('hex')}`;
  await db.signingKey.create({
    data: {
      kid,
      algorithm: ALGORITHM,
      publicJwk: { ...jwkFields(publicKey.export({ format: 'jwk' })), kid, alg: ALGORITHM, use: 'sig' },
      privateJwk: jwkFields(privateKey.export({ format: 'jwk' })),
    },
  });
  return kid;
}

const isJwk = (value: unknown): value is JsonWebKey =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'kty' in value && typeof value.kty === 'string';

/** A key as rotateSigningKey stored it (node:crypto's JWK export). */
function storedJwk(value: unknown): JsonWebKey {
  if (!isJwk(value)) throw new Error('a stored signing key is not a JWK');
  return value;
}

// Keys are imported once per process: a kid names one key pair for good.
const signingKeys = new Map<string, SigningKey>();
const verificationKeys = new Map<string, VerificationKey>();

async function currentSigningKey(db: IdentityDb | Tx): Promise<SigningKey> {
  const key =
    (await db.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } })) ??
    (await db.signingKey.findUniqueOrThrow({ where: { kid: await rotateSigningKey(db) } }));
  let signer = signingKeys.get(key.kid);
  if (!signer) signingKeys.set(key.kid, (signer = importSigningKey(storedJwk(key.privateJwk), ALGORITHM, key.kid)));
  return signer;
}

/** The imported public key of a stored signing key (its public JWK as rotateSigningKey stored it). */
export function verificationKey(kid: string, publicJwk: unknown): VerificationKey {
  let key = verificationKeys.get(kid);
  if (!key) verificationKeys.set(kid, (key = importVerificationKey(storedJwk(publicJwk), ALGORITHM)));
  return key;
}

/** The public keys that verify tokens (JWKS): served at /.well-known/jwks.json for the gateway. */
export async function publicKeys(db: IdentityDb): Promise<{ keys: JsonWebKey[] }> {
  const keys = await db.signingKey.findMany({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } });
  return { keys: keys.map((key) => storedJwk(key.publicJwk)) };
}

export interface TokenRequest {
  user: User;
  agentName?: string | null;
  scopes?: string[] | null;
  allow?: string[] | null;
  ttlSeconds?: number | null;
}

/** Agent scopes must be known and within the issuing user's own: a token never widens access. */
function agentScopes(user: User, requested: string[] | null | undefined): Scope[] {
  if (!requested?.length) throw badUserInput('scopes', 'an agent token needs at least one scope');
  const allowed = ROLE_SCOPES[user.role];
  for (const scope of requested) {
    if (!isScope(scope)) throw badUserInput('scopes', `unknown scope ${scope}`);
    if (!allowed.includes(scope)) throw badUserInput('scopes', `${user.email} does not hold ${scope}`);
  }
  return [...new Set(requested.filter(isScope))];
}

/** Issues a staff token (no agentName) or an agent token, stores its record and returns the JWT once. */
export async function issueToken(
  tx: Tx,
  request: TokenRequest,
  attribution: { actor: string; sourceSystem: string },
): Promise<{ token: string; record: ApiToken }> {
  const { user } = request;
  if (user.authState !== 'active') throw badUserInput('user', `${user.email} is not active`);
  const isAgent = Boolean(request.agentName);
  if (request.agentName) machineName('agentName', request.agentName);
  const scopes = isAgent ? agentScopes(user, request.scopes) : [...ROLE_SCOPES[user.role]];
  const ttl = tokenLifetime(isAgent ? 'agent' : 'staff', request.ttlSeconds);
  const jti = randomBytes(24).toString('base64url');
  const key = await currentSigningKey(tx);
  const expiresAt = new Date(Date.now() + ttl * 1000);
  const record = await tx.apiToken.create({
    data: {
      externalId: newExternalId(prefixOf(apiTokenSpec.typename)),
      kind: isAgent ? 'agent' : 'staff',
      userId: user.id,
      agentName: request.agentName ?? null,
      scopes,
      allow: request.allow ?? [],
      jtiHash: hashTokenId(jti),
      keyId: key.kid,
      expiresAt,
      ...attribution,
    },
  });
  const token = signJwt(
    {
      kind: record.kind,
      tok: record.externalId,
      ...(isAgent ? { agent: request.agentName } : {}),
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      sub: user.externalId,
      jti,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(expiresAt.getTime() / 1000),
    },
    key,
  );
  return { token, record };
}

/** Issues a token and records it (audit row and outbox event) in one transaction; the JWT is returned once. */
export async function issueRecordedToken(ctx: WritingContext, request: TokenRequest): Promise<{ token: string; record: ApiToken }> {
  let token = '';
  const record = await identityService.change(ctx, apiTokenSpec, 'create', async (tx) => {
    const issued = await issueToken(tx, request, attribution(ctx));
    token = issued.token;
    return { after: issued.record };
  });
  return { token, record };
}

/** Revokes a token (refused from the next request on), recorded; revoking it again changes nothing. */
export async function revokeRecordedToken(ctx: WritingContext, existing: ApiToken): Promise<ApiToken> {
  if (existing.revokedAt) return existing;
  return identityService.change(ctx, apiTokenSpec, 'revoke', async (tx) => ({
    before: existing,
    after: await tx.apiToken.update({ where: { id: existing.id }, data: { revokedAt: new Date(), revokedBy: ctx.actor } }),
  }));
}

/** The context of writes the platform makes itself (the CLI, the demo stack): actor `system`, source `source`. */
export const systemContext = (db: IdentityDb, source: string): WritingContext => ({
  ...requestContextFromClaims({ kind: 'system', agent: source, scopes: [], teams: [], requestId: randomUUID() }),
  db,
});
