import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  CLAIMS_HEADER,
  currentRequestId,
  signClaims,
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  unauthenticated,
  type Claims,
  type ServiceKeyring,
} from '@wrk/platform';

export const anonymousClaims = (requestId: string): Claims => ({ kind: 'anonymous', scopes: [], teams: [], requestId });

/** A bearer token whose signature and expiry hold: not yet known to be unrevoked (that is the session lookup). */
export interface VerifiedBearer {
  token: string;
  /** The token record's external ID (`tok` claim), the key its requests are counted by. */
  tokenId: string;
}

export interface Authenticator {
  /** Checks the Authorization header's token against identity's published keys; UNAUTHENTICATED otherwise. */
  verify(authorization: string): Promise<VerifiedBearer>;
  /** The token's current claims from identity: a revoked token or a disabled user is refused here. */
  session(bearer: VerifiedBearer): Promise<Claims>;
}

/**
 * Authenticates the caller of each request in two steps, so that the cheap one can stop a flood before the costly one:
 * the token's signature and expiry are checked here, against identity's published keys (refetched when a new `kid`
 * appears after a rotation); then identity answers with the token's current claims, so a revoked token or a
 * disabled user is refused from the very next request.
 */
export function authenticator(identityGraphqlUrl: string, keyring: ServiceKeyring): Authenticator {
  const identity = identityGraphqlUrl.replace(/\/graphql$/, '');
  // A token signed by a key rotated in since the last fetch (unknown kid) refetches the set, at most once a second.
  const keys = createRemoteJWKSet(new URL(`${identity}/.well-known/jwks.json`), { cooldownDuration: 1_000 });

  return {
    async verify(authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      if (!token) throw unauthenticated('The Authorization header must be "Bearer <token>"');
      const { payload } = await jwtVerify(token, keys, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: [TOKEN_ALGORITHM],
      }).catch(() => {
        throw unauthenticated('Invalid or expired token');
      });
      if (typeof payload.tok !== 'string') throw unauthenticated('Invalid or expired token');
      return { token, tokenId: payload.tok };
    },
    async session({ token }) {
      // The ID the request's log lines carry (platform's requestScope.ts) names its claims, audit rows and events too.
      const requestId = currentRequestId() ?? randomUUID();
      const body = { token, requestId };
      const response = await fetch(`${identity}/internal/session`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CLAIMS_HEADER]: signClaims(keyring, 'identity', body, { ...anonymousClaims(requestId), kind: 'system', agent: 'gateway' }),
        },
        body: JSON.stringify(body),
      });
      if (response.status === 401) throw unauthenticated(`Token refused: ${((await response.json()) as { error: string }).error}`);
      if (!response.ok) throw new Error(`identity answered ${response.status} to a session lookup`);
      return (await response.json()) as Claims;
    },
  };
}
