import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { ErrorCode, httpError, type Claims } from '@wrk/platform';
import type { GatewayRateLimiters } from './rateLimit.ts';

const REALM = 'wrk';

/** RFC 6750 allows only these characters inside a quoted error_description. */
const quotable = (text: string) => text.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');

const unauthorized = (message: string, challenge: string) =>
  httpError(ErrorCode.UNAUTHENTICATED, message, { status: 401, headers: { 'www-authenticate': challenge } });

export const rateLimited = (retryAfterSeconds: number) =>
  httpError(
    ErrorCode.RATE_LIMITED,
    `Too many requests: retry after ${retryAfterSeconds} s`,
    { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
    { retryAfter: retryAfterSeconds },
  );

const isUnauthenticated = (error: unknown): error is GraphQLError =>
  error instanceof GraphQLError && error.extensions.code === ErrorCode.UNAUTHENTICATED;

/**
 * Who is calling, for every GraphQL request (the explorer page is served before this runs): a caller without a
 * valid token is refused with 401 and a Bearer challenge, counted against their address; a valid token is counted
 * against itself. Over either limit: 429 with Retry-After.
 */
export function requestGuard(claimsFor: (authorization: string | undefined) => Promise<Claims>, limiters: GatewayRateLimiters) {
  const refuse = async (request: IncomingMessage, error: GraphQLError): Promise<never> => {
    const wait = await limiters.address.consume(request.socket.remoteAddress ?? 'unknown');
    throw wait ? rateLimited(wait) : error;
  };

  return async function claimsOf(request: IncomingMessage): Promise<Claims> {
    const authorization = request.headers.authorization;
    if (!authorization) return refuse(request, unauthorized('A bearer token is required', `Bearer realm="${REALM}"`));
    const claims = await claimsFor(authorization).catch((error: unknown) => {
      if (!isUnauthenticated(error)) throw error;
      return refuse(
        request,
        unauthorized(error.message, `Bearer realm="${REALM}", error="invalid_token", error_description="${quotable(error.message)}"`),
      );
    });
    const wait = await limiters.token.consume(claims.tokenId ?? claims.sub ?? claims.requestId);
    if (wait) throw rateLimited(wait);
    return claims;
  };
}
