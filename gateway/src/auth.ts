import {
  CLAIMS_HEADER,
  JwtError,
  KeySetUnavailableError,
  type JwtClaimRules,
  RemoteKeySet,
  logThrottled,
  signClaims,
  timeouts,
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  unauthenticated,
  unavailableResponse,
  cachedJwtVerifier,
  type Claims,
  type ServiceKeyring,
} from '@wrk/platform';
import type { SessionCache } from './sessionCache.ts';
import { keepAliveAgent } from './dataSource.ts';
import { postJson } from './subgraphTransport.ts';

/** The largest session answer read from identity (a session is a few hundred bytes). */
const SESSION_MAX_BYTES = 1024 * 1024;

export const anonymousClaims = (requestId: string): Claims => ({ kind: 'anonymous', scopes: [], teams: [], requestId });

/** A bearer token whose signature and expiry hold: not yet known to be unrevoked (that is the session lookup). */
export interface VerifiedBearer {
  token: string;
  /** The token record's external ID (`tok` claim), the key its requests are counted by. */
  tokenId: string;
}

export interface Authenticator {
  /**
   * Checks the Authorization header's token against identity's published keys: UNAUTHENTICATED when the token is bad,
   * UNAVAILABLE (503) when the keys cannot be fetched (the token was not judged).
   */
  verify(authorization: string): Promise<VerifiedBearer>;
  /**
   * The token's current claims from identity, under this request's ID: a revoked token or a disabled user is refused
   * here (401); identity down, slow or failing is UNAVAILABLE (503).
   */
  session(bearer: VerifiedBearer, requestId: string): Promise<Claims>;
}

/** Identity could not answer: the caller should retry, not discard its token. One log line per cause per 10 s. */
function identityUnavailable(what: string, cause: string): never {
  logThrottled('warn', `identity ${what}: ${cause}`, { dependency: 'identity' }, `${what} failed: identity is unavailable`);
  throw unavailableResponse(timeouts.retryAfterSeconds, 'Authentication is unavailable: retry later');
}

const causeName = (error: unknown) => (error instanceof Error ? error.name : 'unknown');

/**
 * Authenticates the caller of each request in two steps, so that the cheap one can stop a flood before the costly one:
 * the token's signature and expiry are checked here, against identity's published keys (refetched when a new `kid`
 * appears after a rotation; a token already verified is not verified again while its key stands); then identity
 * answers with the token's current claims (cached by withSessionCache until identity's notification drops them).
 * Both calls to identity are bounded by WRK_IDENTITY_TIMEOUT_MS.
 */
export function authenticator(identityGraphqlUrl: string, keyring: ServiceKeyring): Authenticator {
  const identity = identityGraphqlUrl.replace(/\/graphql$/, '');
  const sessionUrl = new URL(`${identity}/internal/session`);
  // A token signed by a key rotated in since the last fetch (unknown kid) refetches the set, at most once a second.
  const keys = new RemoteKeySet(new URL(`${identity}/.well-known/jwks.json`), {
    algorithm: TOKEN_ALGORITHM,
    cooldownMs: 1_000,
    timeoutMs: timeouts.identityMs,
  });
  const keyFor = (kid: string) => keys.key(kid);
  const rules: JwtClaimRules = { algorithm: TOKEN_ALGORITHM, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE };
  const verifyJwt = cachedJwtVerifier(keyFor, rules);

  return {
    async verify(authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      if (!token) throw unauthenticated('The Authorization header must be "Bearer <token>"');
      // Only JwtError judges the token; anything else (a failed or timed-out key fetch) says nothing about it.
      const payload = await verifyJwt(token).catch((error: unknown) => {
        if (!(error instanceof JwtError))
          identityUnavailable('key fetch', error instanceof KeySetUnavailableError ? error.message : causeName(error));
        throw unauthenticated('Invalid or expired token');
      });
      if (typeof payload.tok !== 'string') throw unauthenticated('Invalid or expired token');
      return { token, tokenId: payload.tok };
    },
    async session({ token }, requestId) {
      const body = { token, requestId };
      const answer = await postJson(keepAliveAgent, {
        url: sessionUrl,
        headers: {
          [CLAIMS_HEADER]: signClaims(keyring, 'identity', body, { ...anonymousClaims(requestId), kind: 'system', agent: 'gateway' }),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeouts.identityMs),
        maxBytes: SESSION_MAX_BYTES,
      }).catch((error: unknown) => identityUnavailable('session lookup', causeName(error)));
      if (answer.status === 401) throw unauthenticated(`Token refused: ${(JSON.parse(answer.text) as { error: string }).error}`);
      if (!answer.ok) identityUnavailable('session lookup', `HTTP ${answer.status}`);
      try {
        return JSON.parse(answer.text) as Claims;
      } catch (error) {
        return identityUnavailable('session lookup', causeName(error));
      }
    },
  };
}

/** The authenticator with sessions answered from the process's cache when it holds them (see sessionCache.ts). */
export const withSessionCache = (inner: Authenticator, cache: SessionCache): Authenticator => ({
  verify: (authorization) => inner.verify(authorization),
  session: (bearer, requestId) => cache.get(bearer.tokenId, requestId, () => inner.session(bearer, requestId)),
});
