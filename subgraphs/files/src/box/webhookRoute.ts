import express from 'express';
import type { ServerResponse } from 'node:http';
import { ErrorCode, graphQLErrorBody, logger, throttledLog } from '@wrk/platform';
import type { FilesDb } from '../db.ts';
import { boxWebhookStore, parseBoxWebhookPayload, type Outcome } from './webhookEvents.ts';
import { verifyBoxDelivery, type BoxWebhookKeys } from './webhookSignature.ts';

export const BOX_WEBHOOK_PATH = '/webhooks/box';
/** Box's bodies are a few kB; anything much larger is not one of them. */
export const MAX_DELIVERY_BYTES = 256 * 1024;

type Headers = express.Request['headers'];

const header = (headers: Headers, name: string) => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** An answer, serialized once: every delivery gets one of a handful of bodies. */
interface Answer {
  status: number;
  body: Buffer;
}
const answer = (status: number, body: object): Answer => ({ status, body: Buffer.from(JSON.stringify(body)) });

const ACCEPTED: Record<Outcome, Answer> = { stored: answer(200, { status: 'stored' }), duplicate: answer(200, { status: 'duplicate' }) };
const MALFORMED = answer(400, graphQLErrorBody(ErrorCode.BAD_REQUEST, 'The body is not a Box webhook event (JSON with id and trigger)'));
const NOT_STORED = answer(503, graphQLErrorBody(ErrorCode.UNAVAILABLE, 'The delivery could not be stored now; send it again'));
const refusals = new Map<string, Answer>();
const refused = (reason: string): Answer => {
  let known = refusals.get(reason);
  if (!known)
    refusals.set(reason, (known = answer(401, graphQLErrorBody(ErrorCode.UNAUTHENTICATED, `Box webhook delivery refused: ${reason}`))));
  return known;
};

const log = logger.child({ route: BOX_WEBHOOK_PATH });

const send = (response: ServerResponse, { status, body }: Answer) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
};

/**
 * `POST /webhooks/box`: Box's webhook deliveries, authenticated by their signature alone (no bearer token, no
 * gateway claims). A delivery is verified on its raw bytes, stored once per Box event with its job enqueued in the
 * same statement, and answered 200 once that is committed — Box is never called on this path; the job does the work.
 * 401: bad or missing signature, stale or future-dated; 400: authentic but not a Box event; 503: no keys
 * configured, or the store failed (nothing of the delivery is stored; Box sends it again).
 */
export function boxWebhookRoutes(db: FilesDb, keys: BoxWebhookKeys | undefined) {
  return (app: express.Express) => {
    if (!keys) {
      log.warn('no Box webhook keys (BOX_WEBHOOK_PRIMARY_KEY): POST /webhooks/box answers 503');
      app.post(BOX_WEBHOOK_PATH, (_request, response) => {
        response.status(503).json(graphQLErrorBody(ErrorCode.UNAVAILABLE, 'Box webhooks are not configured here'));
      });
      return;
    }
    const store = boxWebhookStore(db);
    // A flood of forged deliveries, or of deliveries while the database is down, is a line per 10 s.
    const logRefusal = throttledLog((fields: object) => log.warn(fields, 'Box webhook delivery refused'));
    const logFailure = throttledLog((fields: object) => log.error(fields, 'Box webhook delivery could not be stored'));
    /** Verifies, parses and stores one delivery; the answer Box gets. */
    const receive = async (headers: Headers, body: Buffer): Promise<Answer> => {
      const refusal = verifyBoxDelivery(keys, headers, body);
      if (refusal) {
        logRefusal({ deliveryId: header(headers, 'box-delivery-id'), refusal });
        return refused(refusal);
      }
      const text = body.toString('utf8');
      const payload = parseBoxWebhookPayload(text);
      if (!payload) return MALFORMED;
      // verifyBoxDelivery accepted the timestamp, so it parses.
      const deliveredAt = new Date(header(headers, 'box-delivery-timestamp') ?? NaN);
      const deliveryId = header(headers, 'box-delivery-id');
      try {
        return ACCEPTED[await store({ payload, body: text, deliveryId, deliveredAt })];
      } catch (error) {
        logFailure({ err: error, deliveryId, boxEventId: payload.id });
        return NOT_STORED;
      }
    };
    app.post(BOX_WEBHOOK_PATH, express.raw({ type: () => true, limit: MAX_DELIVERY_BYTES }), async (request, response) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      send(response, await receive(request.headers, body));
    });
  };
}
