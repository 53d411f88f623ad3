import express, { type RequestHandler } from 'express';
import { request, type Dispatcher } from 'undici';
import { ErrorCode, graphQLErrorBody, logger } from '@wrk/platform';

/** Where Box delivers webhooks on the gateway's host, and on the files subgraph that owns them. */
export const BOX_WEBHOOK_PATH = '/webhooks/box';
/** How long the files subgraph may take (it answers in milliseconds; Box itself gives up after 30 s). */
const FORWARD_TIMEOUT_MS = 10_000;

/** The headers a delivery is verified and stored by; nothing else is forwarded. */
const forwardedHeaders = (headers: express.Request['headers']): Record<string, string> => {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if ((name.startsWith('box-') || name === 'content-type') && typeof value === 'string') forwarded[name] = value;
  }
  return forwarded;
};

/**
 * Box's webhook deliveries pass through to the files subgraph, which verifies their signature (the only
 * authentication: Box sends no bearer token, so this sits outside the token guard) and answers. The raw bytes and
 * the box-* headers go unchanged; the body is bounded; the files subgraph's answer (its own short JSON) comes back
 * as it is, and a failure to reach it is a bare 502 that names no internal address.
 */
export function boxWebhookPassThrough(filesGraphqlUrl: string, dispatcher: Dispatcher, maxBodyBytes: number): RequestHandler[] {
  const target = new URL(BOX_WEBHOOK_PATH, filesGraphqlUrl).toString();
  const log = logger.child({ route: BOX_WEBHOOK_PATH });
  return [
    express.raw({ type: () => true, limit: maxBodyBytes }),
    async (incoming, response) => {
      const body = Buffer.isBuffer(incoming.body) ? incoming.body : Buffer.alloc(0);
      try {
        const answer = await request(target, {
          method: 'POST',
          headers: forwardedHeaders(incoming.headers),
          body,
          dispatcher,
          headersTimeout: FORWARD_TIMEOUT_MS,
          bodyTimeout: FORWARD_TIMEOUT_MS,
        });
        const text = await answer.body.text();
        response.status(answer.statusCode).type('application/json').send(text);
      } catch (error) {
        log.error({ err: error }, 'Box webhook delivery could not reach the files subgraph');
        response.status(502).json(graphQLErrorBody(ErrorCode.SERVICE_UNAVAILABLE, 'Box webhooks cannot be received now'));
      }
    },
  ];
}
