import express from 'express';
import { ErrorCode, graphQLErrorBody, logger } from '@wrk/platform';
import type { FilesDb } from '../db.ts';
import { boxWebhookStore, parseBoxWebhookPayload, type BoxWebhookStore } from './webhookEvents.ts';
import { verifyBoxDelivery, type BoxWebhookKeys } from './webhookSignature.ts';

export const BOX_WEBHOOK_PATH = '/webhooks/box';
/** Box's bodies are a few kB; anything much larger is not one of them. */
export const MAX_DELIVERY_BYTES = 256 * 1024;

type Headers = express.Request['headers'];

const header = (headers: Headers, name: string) => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

interface Answer {
  status: number;
  body: object;
}

const log = logger.child({ route: BOX_WEBHOOK_PATH });

/** Verifies, parses and stores one delivery; the answer Box gets. */
async function receive(keys: BoxWebhookKeys, store: BoxWebhookStore, headers: Headers, body: Buffer): Promise<Answer> {
  const deliveryId = header(headers, 'box-delivery-id');
  const refusal = verifyBoxDelivery(keys, headers, body);
  if (refusal) {
    log.warn({ deliveryId, refusal }, 'Box webhook delivery refused');
    return { status: 401, body: graphQLErrorBody(ErrorCode.UNAUTHENTICATED, `Box webhook delivery refused: ${refusal}`) };
  }
  const text = body.toString('utf8');
  const payload = parseBoxWebhookPayload(text);
  if (!payload) {
    return { status: 400, body: graphQLErrorBody(ErrorCode.BAD_REQUEST, 'The body is not a Box webhook event (JSON with id and trigger)') };
  }
  // verifyBoxDelivery accepted the timestamp, so it parses.
  const deliveredAt = new Date(header(headers, 'box-delivery-timestamp') ?? NaN);
  const outcome = await store({ payload, body: text, deliveryId, deliveredAt });
  log.debug({ deliveryId, boxEventId: payload.id, outcome }, 'Box webhook delivery accepted');
  return { status: 200, body: { status: outcome } };
}

/**
 * `POST /webhooks/box`: Box's webhook deliveries, authenticated by their signature alone (no bearer token, no
 * gateway claims). A delivery is verified on its raw bytes, stored once per Box event with its job enqueued in the
 * same statement, and answered 200 at once — Box is never called on this path; the job does the work.
 * 401: bad or missing signature, stale or future-dated; 400: authentic but not a Box event; 503: no keys configured.
 */
export function boxWebhookRoutes(db: FilesDb, keys: BoxWebhookKeys | undefined) {
  return (app: express.Express) => {
    if (!keys) {
      log.warn('no Box webhook keys (BOX_WEBHOOK_PRIMARY_KEY): POST /webhooks/box answers 503');
      app.post(BOX_WEBHOOK_PATH, (_request, response) => {
        response.status(503).json(graphQLErrorBody(ErrorCode.SERVICE_UNAVAILABLE, 'Box webhooks are not configured here'));
      });
      return;
    }
    const store = boxWebhookStore(db);
    app.post(BOX_WEBHOOK_PATH, express.raw({ type: () => true, limit: MAX_DELIVERY_BYTES }), async (request, response) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const answer = await receive(keys, store, request.headers, body);
      response.status(answer.status).json(answer.body);
    });
  };
}
