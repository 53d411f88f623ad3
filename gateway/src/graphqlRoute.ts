import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import {
  answerError,
  executePost,
  type NodeMiddleware,
  plainPostsFirst,
  readJsonBody,
  sendAnswer,
  type ServeFirst,
  type ServerLifecycle,
} from '@wrk/platform';
import type { GatewayContext } from './context.ts';
import { guardedClaims, refusedForSize, startTiming, type ClaimsOf, type RequestTiming } from './guard.ts';
import { withDocumentIdAsPersistedQuery } from './trustedDocuments.ts';

export interface GraphQLRouteOptions {
  server: ApolloServer<GatewayContext>;
  lifecycle: ServerLifecycle;
  /** The process's limit on requests in progress (shared with the Express routes). */
  bounded: NodeMiddleware;
  claimsOf: ClaimsOf;
  maxBodyBytes: number;
  /** Answers from this size on are compressed when the client accepts it. */
  compressFrom: number;
}

/**
 * A plain GraphQL POST (every client's query and mutation) served without Express, in the Express route's order:
 * request scope and ID, the concurrency limit, timing, the size limit and the caller's claims before the body is read,
 * `documentId` as a persisted query, Apollo Server, compression of large answers. Failures answer as the Express
 * route's error handler does; test/e2e/gateway-limits.test.ts sends both routes the same requests.
 */
export function graphqlWithoutExpress(options: GraphQLRouteOptions): ServeFirst {
  const { server, lifecycle, bounded, claimsOf, maxBodyBytes, compressFrom } = options;
  async function answer(request: IncomingMessage, response: ServerResponse, timing: RequestTiming): Promise<void> {
    if (refusedForSize(request, response, maxBodyBytes)) return;
    const claims = await guardedClaims(claimsOf, request, response, timing);
    if (!claims) return;
    // What the compression middleware sets on every JSON answer after the guard, errors included.
    response.setHeader('vary', 'Accept-Encoding');
    const body = withDocumentIdAsPersistedQuery(await readJsonBody(request, maxBodyBytes));
    await sendAnswer(request, response, await executePost(server, request, body, async () => ({ claims })), compressFrom);
  }
  return plainPostsFirst(lifecycle, bounded, (request, response) => {
    answer(request, response, startTiming()).catch((error: unknown) => answerError(error, response));
  });
}
