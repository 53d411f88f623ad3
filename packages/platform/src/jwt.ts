import { LRUCache } from 'lru-cache';
import { createPrivateKey, createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * JSON Web Tokens (compact JWS) on node:crypto, with keys imported once: a verifier pinned to one algorithm, issuer
 * and audience, a signer, and a remote key set (JWKS). Only ES256 is supported: it is what identity issues, and a
 * table entry away from the next.
 */
const ALGORITHMS = {
  ES256: { hash: 'sha256', keyType: 'ec', curve: 'prime256v1', jwkCurve: 'P-256', signatureBytes: 64 },
} as const;
export type JwtAlgorithm = keyof typeof ALGORITHMS;

/** The token itself is bad (malformed, wrong algorithm or key, bad signature, wrong issuer or audience, expired). */
export class JwtError extends Error {
  override name = 'JwtError';
}

/** The keys could not be fetched or read: nothing was decided about the token. */
export class KeySetUnavailableError extends Error {
  override name = 'KeySetUnavailableError';
}

export interface JwtHeader {
  alg?: unknown;
  kid?: unknown;
  typ?: unknown;
  crit?: unknown;
}

export interface JwtPayload {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
  iat?: unknown;
  jti?: unknown;
  [claim: string]: unknown;
}

/** A token split and parsed, its signature not yet checked. */
export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signingInput: string;
  signature: Buffer;
}

/** A public key checked to fit its algorithm (so no token can pick another): what verifyDecodedJwt needs. */
export interface VerificationKey {
  algorithm: JwtAlgorithm;
  key: KeyObject;
}

/** A private key checked to fit its algorithm, with its encoded header computed once. */
export interface SigningKey {
  algorithm: JwtAlgorithm;
  kid: string;
  key: KeyObject;
  encodedHeader: string;
}

export interface JwtClaimRules {
  algorithm: JwtAlgorithm;
  issuer: string;
  audience: string;
  /** Seconds of clock difference accepted on exp and nbf (default 0). */
  clockToleranceSeconds?: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parsePart(part: string, what: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString());
    if (isObject(parsed)) return parsed;
  } catch {
    // falls through to the refusal
  }
  throw new JwtError(`malformed token ${what}`);
}

/** Splits and parses a compact JWS; throws JwtError when it is not one. Checks nothing else. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || !header || !payload || !signature) throw new JwtError('malformed token');
  return {
    header: parsePart(header, 'header'),
    payload: parsePart(payload, 'payload'),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

function checkKeyFits(key: KeyObject, algorithm: JwtAlgorithm): KeyObject {
  const spec = ALGORITHMS[algorithm];
  if (key.asymmetricKeyType !== spec.keyType || key.asymmetricKeyDetails?.namedCurve !== spec.curve) {
    throw new Error(`the key does not fit ${algorithm}`);
  }
  return key;
}

/** Imports a public JWK for `algorithm` (once: keep the result); throws when the key does not fit it. */
export function importVerificationKey(jwk: JsonWebKey, algorithm: JwtAlgorithm): VerificationKey {
  return { algorithm, key: checkKeyFits(createPublicKey({ key: jwk, format: 'jwk' }), algorithm) };
}

/** Imports a private JWK for `algorithm` under `kid` (once: keep the result); throws when the key does not fit it. */
export function importSigningKey(jwk: JsonWebKey, algorithm: JwtAlgorithm, kid: string): SigningKey {
  const key = checkKeyFits(createPrivateKey({ key: jwk, format: 'jwk' }), algorithm);
  const encodedHeader = Buffer.from(JSON.stringify({ alg: algorithm, kid, typ: 'JWT' })).toString('base64url');
  return { algorithm, kid, key, encodedHeader };
}

/** Signs `payload` (its registered claims are the caller's to set). */
export function signJwt(payload: JwtPayload, signer: SigningKey): string {
  const signingInput = `${signer.encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = sign(ALGORITHMS[signer.algorithm].hash, Buffer.from(signingInput), { key: signer.key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function signatureHolds({ signingInput, signature }: DecodedJwt, { algorithm, key }: VerificationKey): boolean {
  const spec = ALGORITHMS[algorithm];
  if (signature.length !== spec.signatureBytes) return false;
  try {
    return verify(spec.hash, Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function checkClaims(payload: JwtPayload, rules: JwtClaimRules): void {
  const tolerance = rules.clockToleranceSeconds ?? 0;
  const now = Math.floor(Date.now() / 1000);
  if (payload.iss !== rules.issuer) throw new JwtError('unexpected "iss" claim value');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(rules.audience)) throw new JwtError('unexpected "aud" claim value');
  if (!isNumber(payload.exp)) throw new JwtError('"exp" claim missing or not a number');
  if (payload.exp <= now - tolerance) throw new JwtError('"exp" claim timestamp check failed');
  if (payload.nbf !== undefined && (!isNumber(payload.nbf) || payload.nbf > now + tolerance)) {
    throw new JwtError('"nbf" claim timestamp check failed');
  }
  if (payload.iat !== undefined && !isNumber(payload.iat)) throw new JwtError('"iat" claim must be a number');
}

/**
 * Checks a decoded token against `key`: the header's algorithm is the one pinned (and the key's), no critical
 * extension is asked for, the signature holds, and issuer, audience, expiry and not-before hold. Throws JwtError.
 */
export function verifyDecodedJwt(decoded: DecodedJwt, key: VerificationKey, rules: JwtClaimRules): JwtPayload {
  if (decoded.header.alg !== rules.algorithm || key.algorithm !== rules.algorithm) throw new JwtError('unexpected "alg" header value');
  if (decoded.header.crit !== undefined) throw new JwtError('unsupported "crit" header');
  if (!signatureHolds(decoded, key)) throw new JwtError('signature verification failed');
  checkClaims(decoded.payload, rules);
  return decoded.payload;
}

type KeyFor = (kid: string) => VerificationKey | Promise<VerificationKey>;

async function verifyWithKeyOf(token: string, keyFor: KeyFor, rules: JwtClaimRules) {
  const decoded = decodeJwt(token);
  if (decoded.header.alg !== rules.algorithm) throw new JwtError('unexpected "alg" header value');
  const { kid } = decoded.header;
  if (typeof kid !== 'string') throw new JwtError('no "kid" header');
  const key = await keyFor(kid);
  return { kid, key, payload: verifyDecodedJwt(decoded, key, rules) };
}

/** Verifies a token with the key its header names (`keyFor` may fetch it, and throw KeySetUnavailableError). */
export async function verifyJwt(token: string, keyFor: KeyFor, rules: JwtClaimRules): Promise<JwtPayload> {
  return (await verifyWithKeyOf(token, keyFor, rules)).payload;
}

/**
 * verifyJwt remembering the tokens it accepted (the `maxEntries` most recently used): a client sends the same token
 * with every request, and a signature over the same bytes holds under the same key every time, so only the claims'
 * times are judged again. A remembered token is verified anew once its key is no longer the one `keyFor` returns
 * (rotated out, or the set refetched), and refused once expired. Refused tokens are not remembered.
 */
export function cachedJwtVerifier(keyFor: KeyFor, rules: JwtClaimRules, maxEntries = 10_000): (token: string) => Promise<JwtPayload> {
  const accepted = new LRUCache<string, { kid: string; key: VerificationKey; payload: JwtPayload }>({ max: maxEntries });
  return async (token) => {
    const known = accepted.get(token);
    if (known && (await keyFor(known.kid)) === known.key) {
      checkClaims(known.payload, rules);
      return known.payload;
    }
    const verified = await verifyWithKeyOf(token, keyFor, rules);
    accepted.set(token, verified);
    return verified.payload;
  };
}

export interface RemoteKeySetOptions {
  algorithm: JwtAlgorithm;
  /** Each fetch of the set is abandoned after this long (KeySetUnavailableError). */
  timeoutMs: number;
  /** An unknown kid refetches the set, at most once per this many ms (default 1 s). */
  cooldownMs?: number;
  /** The set is refetched when older than this (default 10 min). */
  maxAgeMs?: number;
}

/** The keys of a JWKS whose `kid`, type and use fit the algorithm, imported; the others are left out. */
function importKeySet(body: unknown, algorithm: JwtAlgorithm): Map<string, VerificationKey> {
  if (!isObject(body) || !Array.isArray(body.keys)) throw new KeySetUnavailableError('the key set is not a JWKS');
  const keys = new Map<string, VerificationKey>();
  for (const jwk of body.keys) {
    if (!isObject(jwk) || typeof jwk.kid !== 'string' || keys.has(jwk.kid)) continue;
    if (jwk.kty !== 'EC' || jwk.crv !== ALGORITHMS[algorithm].jwkCurve) continue;
    if ((jwk.alg !== undefined && jwk.alg !== algorithm) || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    try {
      keys.set(jwk.kid, importVerificationKey(jwk, algorithm));
    } catch {
      // a key that does not import verifies nothing
    }
  }
  return keys;
}

/**
 * A JWKS published at a URL: fetched on first use and when older than maxAgeMs, and again for a kid it does not hold
 * (a key rotated in) at most once per cooldown. Each key is imported once per fetch. Concurrent fetches are shared.
 */
export class RemoteKeySet {
  private keys = new Map<string, VerificationKey>();
  private fetchedAt = -Infinity;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly url: URL,
    private readonly options: RemoteKeySetOptions,
  ) {}

  /** The key for `kid`; JwtError when the set has none, KeySetUnavailableError when the set cannot be fetched. */
  async key(kid: string): Promise<VerificationKey> {
    const age = Date.now() - this.fetchedAt;
    if (age >= (this.options.maxAgeMs ?? 600_000)) await this.reload();
    else if (!this.keys.has(kid) && age >= (this.options.cooldownMs ?? 1_000)) await this.reload();
    const key = this.keys.get(kid);
    if (!key) throw new JwtError('no applicable key found in the JSON Web Key Set');
    return key;
  }

  private reload(): Promise<void> {
    this.pending ??= this.fetchKeys().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchKeys(): Promise<void> {
    let body: unknown;
    try {
      const response = await fetch(this.url, {
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new KeySetUnavailableError(`the key set answered HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      throw error instanceof KeySetUnavailableError
        ? error
        : new KeySetUnavailableError(`the key set could not be fetched: ${String(error)}`, { cause: error });
    }
    this.keys = importKeySet(body, this.options.algorithm);
    this.fetchedAt = Date.now();
  }
}
