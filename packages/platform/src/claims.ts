import { createHash, randomBytes, sign, verify } from 'node:crypto';
import type { ServiceKeyring } from './serviceKeys.ts';

/** A caller's user IDs in external systems, keyed by the system's name. */
export type ExternalAccounts = Readonly<Partial<Record<string, string>>>;

/** One source an agent's write is derived from: a WRK entity or Box item by ID, optionally quoted and dated. */
export interface ProvenanceSourceRef {
  id: string;
  quote?: string;
  retrievedAt?: string;
}

/**
 * Why an agent writes: its own open run and the sources the write derives from. The agent sends them as the request
 * extension `wrk`; the gateway checks them (agents' /internal/provenance) and signs them into the claims.
 */
export interface Provenance {
  runId: string;
  sourceRefs: ProvenanceSourceRef[];
}

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
  /**
   * The caller's accounts in external systems, by system (identity fills them; each consumer reads its own system's
   * through one function of its own).
   */
  accounts?: ExternalAccounts;
  /** Agent tokens may be narrowed to these entity IDs. */
  allow?: string[];
  /** Restricted entities this caller was granted through entity_permissions (directly, via a team or a role). */
  grants?: string[];
  /** The subset of `grants` that allows writing. */
  writeGrants?: string[];
  /** An agent's run and sources for this request's writes, verified by the gateway (see Provenance). */
  provenance?: Provenance;
  requestId: string;
  /**
   * When the gateway stops waiting for this request (epoch ms): past it, a subgraph starts no more work for it and
   * refuses a request that arrives late. Signed with the rest, so passed on unchanged to delegated requests.
   */
  deadline?: number;
}

export const CLAIMS_HEADER = 'x-wrk-claims';
/** The service whose signature makes claims true; every other service may only pass them on (delegation). */
export const GATEWAY_SERVICE = 'gateway';
const LIFETIME_SECONDS = 15;
/** How long after its expiry the gateway's header still proves who the caller is, to calls made on its behalf. */
const EVIDENCE_GRACE_SECONDS = 60;
const CLOCK_SKEW_SECONDS = 5;

/** The part of a request a signature is bound to: a GraphQL operation, or any JSON body (identity's session route). */
export type SignedBody = unknown;

const isGraphQLBody = (body: SignedBody): body is { query: string; operationName?: unknown; variables?: unknown } =>
  typeof body === 'object' && body !== null && 'query' in body && typeof body.query === 'string';

/** sha256 of the operation: its text, name and variables (a GraphQL body) or the whole JSON body. */
export function operationHash(body: SignedBody): string {
  const canonical = isGraphQLBody(body) ? [body.query, body.operationName ?? null, body.variables ?? null] : body;
  return createHash('sha256')
    .update(JSON.stringify(canonical ?? null))
    .digest('base64url');
}

interface Payload {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  /** operationHash of the one request this header may carry. */
  op: string;
  /** Signed by the gateway: the caller's claims. */
  claims?: Claims;
  /** Signed by a subgraph on behalf of a caller: the gateway's header it received, as evidence. */
  via?: string;
  /** The delegating service applies the caller's allowlist itself and asks for the WRK rules alone. */
  withoutAllowlist?: boolean;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function signPayload(keyring: ServiceKeyring, payload: Omit<Payload, 'iss' | 'iat' | 'exp' | 'jti'>): string {
  if (!keyring.privateKey || !keyring.kid) throw new Error(`the ${keyring.service} service has no private key to sign with`);
  const issuedAt = now();
  const header = base64url(JSON.stringify({ alg: 'EdDSA', typ: 'wrk-claims+jws', kid: keyring.kid }));
  const body = base64url(
    JSON.stringify({
      iss: keyring.service,
      iat: issuedAt,
      exp: issuedAt + LIFETIME_SECONDS,
      jti: randomBytes(16).toString('base64url'),
      ...payload,
    }),
  );
  const signature = sign(null, Buffer.from(`${header}.${body}`), keyring.privateKey);
  return `${header}.${body}.${base64url(signature)}`;
}

/** The gateway's header for one subgraph request: the caller's claims, for that subgraph and that operation only. */
export function signClaims(keyring: ServiceKeyring, audience: string, body: SignedBody, claims: Claims): string {
  return signPayload(keyring, { aud: audience, op: operationHash(body), claims });
}

/**
 * A subgraph's header for its own request to another owner, on behalf of the caller whose header it received
 * (`evidence`: the gateway's, or another subgraph's delegated one): the owner applies that caller's claims (with the
 * allowlist dropped when asked) and nothing more.
 */
export function signDelegated(
  keyring: ServiceKeyring,
  audience: string,
  body: SignedBody,
  evidence: string,
  options: { withoutAllowlist?: boolean } = {},
): string {
  return signPayload(keyring, {
    aud: audience,
    op: operationHash(body),
    via: evidence,
    ...(options.withoutAllowlist ? { withoutAllowlist: true } : {}),
  });
}

export class SignatureError extends Error {}

function decode(header: string, keyring: ServiceKeyring): Payload {
  const [encodedHeader, encodedPayload, signature, extra] = header.split('.');
  if (!encodedHeader || !encodedPayload || !signature || extra !== undefined) throw new SignatureError('malformed header');
  const { alg, kid } = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString()) as { alg?: string; kid?: string };
  const payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString()) as Payload;
  const key = typeof kid === 'string' ? keyring.trusted.get(String(payload.iss))?.get(kid) : undefined;
  if (alg !== 'EdDSA' || !key) throw new SignatureError('unknown signer or key');
  if (!verify(null, Buffer.from(`${encodedHeader}.${encodedPayload}`), key, Buffer.from(signature, 'base64url'))) {
    throw new SignatureError('bad signature');
  }
  return payload;
}

export interface VerifiedRequest {
  claims: Claims;
  /** The header this request came with: what this service passes on as evidence when it asks another on the caller's behalf. */
  evidence: string;
  /** Who signed this request: the gateway, or a subgraph asking on the caller's behalf. */
  issuer: string;
  delegated: boolean;
  jti: string;
  expiresAt: Date;
}

/** A request made on someone's behalf may itself ask another owner (core → files → core), this many hops at most. */
const MAX_HOPS = 3;

/**
 * Verifies a request's claims header: signed by a trusted service's current key, for this service, for exactly this
 * operation, within its few seconds of life. A header a subgraph signed on someone's behalf carries the header it
 * received as evidence, down to the gateway's (each made out to the service that passed it on). Throws SignatureError
 * otherwise.
 */
export function verifySignedRequest(header: string | undefined, keyring: ServiceKeyring, body: SignedBody): VerifiedRequest {
  if (!header) throw new SignatureError('no claims header');
  const payload = decodeOrThrow(header, keyring);
  const time = now();
  if (payload.aud !== keyring.service) throw new SignatureError('header is for another service');
  if (typeof payload.exp !== 'number' || payload.exp < time || payload.iat > time + CLOCK_SKEW_SECONDS)
    throw new SignatureError('header expired');
  if (payload.op !== operationHash(body)) throw new SignatureError('header is for another operation');
  const { claims, withoutAllowlist } = claimsOf(payload, keyring, 0);
  if (withoutAllowlist) delete claims.allow;
  return {
    claims,
    evidence: header,
    issuer: payload.iss,
    delegated: payload.iss !== GATEWAY_SERVICE,
    jti: payload.jti,
    expiresAt: new Date(payload.exp * 1000),
  };
}

/** The gateway's claims at the root of a (possibly delegated) header, and whether some hop dropped the allowlist. */
function claimsOf(payload: Payload, keyring: ServiceKeyring, hops: number): { claims: Claims; withoutAllowlist: boolean } {
  if (payload.iss === GATEWAY_SERVICE) {
    if (!payload.claims) throw new SignatureError('no claims');
    return { claims: checked(payload.claims), withoutAllowlist: false };
  }
  if (typeof payload.via !== 'string') throw new SignatureError('a delegated request needs the header it was made for as evidence');
  if (hops >= MAX_HOPS) throw new SignatureError('evidence chain too long');
  const evidence = decodeOrThrow(payload.via, keyring);
  if (evidence.aud !== payload.iss) throw new SignatureError('evidence is not for the delegating service');
  if (evidence.exp + EVIDENCE_GRACE_SECONDS < now()) throw new SignatureError('evidence expired');
  const inner = claimsOf(evidence, keyring, hops + 1);
  return { claims: inner.claims, withoutAllowlist: inner.withoutAllowlist || Boolean(payload.withoutAllowlist) };
}

function decodeOrThrow(header: string, keyring: ServiceKeyring): Payload {
  try {
    return decode(header, keyring);
  } catch (error) {
    throw error instanceof SignatureError ? error : new SignatureError('malformed header');
  }
}

function checked(claims: Claims): Claims {
  if (!claims.kind || !Array.isArray(claims.scopes) || !Array.isArray(claims.teams) || !claims.requestId) {
    throw new SignatureError('claims are incomplete');
  }
  return { ...claims };
}

/** Bearer tokens (issued by identity, verified by the gateway). */
export const TOKEN_ISSUER = 'wrk-identity';
export const TOKEN_AUDIENCE = 'wrk';
export const TOKEN_ALGORITHM = 'ES256';

/**
 * The Postgres channel identity NOTIFYs on, in the transaction of every write that can change a session's claims, and
 * each gateway process LISTENs on to drop what it cached. The payload is `token:<external ID>`, `user:<external ID>`
 * or `all` (a team or a grant changed: whose sessions that touches is not cheap to say).
 */
export const SESSION_CHANNEL = 'wrk_sessions';
