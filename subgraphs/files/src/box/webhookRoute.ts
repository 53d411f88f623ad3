import express from 'express';
import { ErrorCode, graphQLErrorBody, logger } from '@wrk/platform';
import type { FilesDb } from '../db.ts';
import { boxWebhookStore, parseBoxWebhookPayload } from './webhookEvents.ts';
import { verifyBoxDelivery, type BoxWebhookKeys } from './webhookSignature.ts';

export const BOX_WEBHOOK_PATH = '/webhooks/box';
/** Box's bodies are a few kB; anything much larger is not one of them. */
export const MAX_DELIVERY_BYTES = 256 * 1024;

const header = (request: express.Request, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * `POST /webhooks/box`: Box's webhook deliveries, authenticated by their signature alone (no bearer token, no
 * gateway claims). A delivery is verified on its raw bytes, stored once per Box event with its job enqueued in the
 * same statement, and answered 200 at once — Box is never called on this path; the job does the work.
 * 401: bad or missing signature, stale or future-dated; 400: authentic but not a Box event; 503: no keys configured.
 */
export function boxWebhookRoutes(db: FilesDb, keys: BoxWebhookKeys | undefined) {
  const store = boxWebhookStore(db);
  const log = logger.child({ route: BOX_WEBHOOK_PATH });
  return (app: express.Express) => {
    if (!keys) {
      app.post(BOX_WEBHOOK_PATH, (_request, response) => {
        response.status(503).json(graphQLErrorBody(ErrorCode.SERVICE_UNAVAILABLE, 'Box webhooks are not configured here'));
      });
      return;
    }
    app.post(BOX_WEBHOOK_PATH, express.raw({ type: () => true, limit: MAX_DELIVERY_BYTES }), async (request, response) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const deliveryId = header(request, 'box-delivery-id');
      const refusal = verifyBoxDelivery(keys, request.headers, body);
      if (refusal) {
        log.warn({ deliveryId, refusal }, 'Box webhook delivery refused');
        response.status(401).json(graphQLErrorBody(ErrorCode.UNAUTHENTICATED, `Box webhook delivery refused: ${refusal}`));
        return;
      }
      const text = body.toString('utf8');
      const payload = parseBoxWebhookPayload(text);
      if (!payload) {
        response
          .status(400)
          .json(graphQLErrorBody(ErrorCode.BAD_REQUEST, 'The body is not a Box webhook event (JSON with id and trigger)'));
        return;
      }
      // verifyBoxDelivery accepted the timestamp, so it parses.
      const deliveredAt = new Date(header(request, 'box-delivery-timestamp') ?? NaN);
      const outcome = await store({ payload, body: text, deliveryId, deliveredAt });
      log.debug({ deliveryId, boxEventId: payload.id, outcome }, 'Box webhook delivery accepted');
      response.status(200).json({ status: outcome });
    });
  };
}
