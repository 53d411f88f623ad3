import type express from 'express';
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ErrorCode, graphQLErrorBody, logger, throttledLog, type ServerLifecycle } from '@wrk/platform';
import {
  BOX_WEBHOOK_BATCH_PATH,
  BOX_WEBHOOK_PATH,
  decodeDeliveries,
  encodeReplies,
  MAX_BATCH_DELIVERIES,
  type PassedDelivery,
} from '@wrk/catalog/boxWebhooks';
import type { FilesDb } from '../db.ts';
import { boxWebhookStore, parseBoxWebhookPayload, type Outcome } from './webhookEvents.ts';
import { verifyBoxDelivery, type BoxWebhookKeys } from './webhookSignature.ts';

export { BOX_WEBHOOK_PATH };
/** Box's bodies are a few kB; anything much larger is not one of them. */
export const MAX_DELIVERY_BYTES = 256 * 1024;

const header = (headers: IncomingHttpHeaders, name: string) => {
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

const TOO_LARGE = answer(413, graphQLErrorBody(ErrorCode.PAYLOAD_TOO_LARGE, `The body is over ${MAX_DELIVERY_BYTES} bytes`));
const ENCODED = answer(415, graphQLErrorBody(ErrorCode.BAD_REQUEST, 'A compressed body cannot be verified: send it as it was signed'));
const NOT_CONFIGURED = answer(503, graphQLErrorBody(ErrorCode.UNAVAILABLE, 'Box webhooks are not configured here'));

const log = logger.child({ route: BOX_WEBHOOK_PATH });

const send = (response: ServerResponse, { status, body }: Answer) => {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
};

/** Refuses what cannot be a Box delivery before reading it: the connection closes, its unread body with it. */
const refuseUnread = (response: ServerResponse, refusal: Answer) => {
  response.setHeader('connection', 'close');
  send(response, refusal);
};

/**
 * The body, read whole up to `limit` bytes: a Buffer, or the refusal to answer (413 over the limit). Resolves
 * undefined when the client went away before sending all of it (there is no one to answer).
 */
function readBody(request: IncomingMessage, limit: number, tooLarge: Answer): Promise<Buffer | Answer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        request.off('data', onData);
        resolve(tooLarge);
      } else chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, length)));
    request.once('aborted', () => resolve(undefined));
    request.once('error', () => resolve(undefined));
    request.once('close', () => resolve(undefined));
  });
}

/** What refuses a delivery from its headers and length alone: over MAX_DELIVERY_BYTES, or compressed. */
function refusalBeforeReading(headers: IncomingHttpHeaders, length: number): Answer | undefined {
  if (length > MAX_DELIVERY_BYTES) return TOO_LARGE;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return ENCODED;
  return undefined;
}

/** Verifies, parses and stores one delivery: the answer Box gets. */
export type BoxDeliveryReceiver = (headers: IncomingHttpHeaders, body: Buffer) => Promise<Answer>;

/**
 * Receives Box's webhook deliveries, authenticated by their signature alone (no bearer token, no gateway claims): a
 * delivery is verified on its raw bytes, stored once per Box event with its job enqueued in the same statement, and
 * answered 200 once that is committed — Box is never called on this path; the job does the work. 401: bad or
 * missing signature, stale or future-dated; 400: authentic but not a Box event; 503: the store failed (nothing of
 * the delivery is stored; Box sends it again). Undefined without keys.
 */
export function boxDeliveryReceiver(db: FilesDb, keys: BoxWebhookKeys | undefined): BoxDeliveryReceiver | undefined {
  if (!keys) {
    log.warn('no Box webhook keys (BOX_WEBHOOK_PRIMARY_KEY): POST /webhooks/box answers 503');
    return undefined;
  }
  const store = boxWebhookStore(db);
  // A flood of forged deliveries, or of deliveries while the database is down, is a line per 10 s.
  const logRefusal = throttledLog((fields: object) => log.warn(fields, 'Box webhook delivery refused'));
  const logFailure = throttledLog((fields: object) => log.error(fields, 'Box webhook delivery could not be stored'));
  return async (headers, body) => {
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
}

/**
 * A plain node:http handler of one delivery per request (boxDeliveryReceiver answers it). Before reading the body:
 * 413 over MAX_DELIVERY_BYTES, 415 for a compressed body (Box sends none; the signature covers the bytes as sent),
 * 503 when no keys are configured.
 */
export function boxWebhookIntake(receive: BoxDeliveryReceiver | undefined): RequestListener {
  if (!receive) return (_request, response) => refuseUnread(response, NOT_CONFIGURED);
  return (request, response) => {
    const { headers } = request;
    const refusal = refusalBeforeReading(headers, Number(headers['content-length'] ?? 0));
    if (refusal) return refuseUnread(response, refusal);
    void readBody(request, MAX_DELIVERY_BYTES, TOO_LARGE).then(async (body) => {
      if (body === undefined) return;
      if (!Buffer.isBuffer(body)) return refuseUnread(response, body);
      send(response, await receive(headers, body));
    });
  };
}

/** Room for the gateway's batches (at most 1 MiB of bodies, or one larger delivery that this then refuses). */
const MAX_BATCH_BYTES = 2 * 1024 * 1024;
const BATCH_TOO_LARGE = answer(413, graphQLErrorBody(ErrorCode.PAYLOAD_TOO_LARGE, `The batch is over ${MAX_BATCH_BYTES} bytes`));
const NOT_A_BATCH = answer(
  400,
  graphQLErrorBody(ErrorCode.BAD_REQUEST, `The body is not a sequence of at most ${MAX_BATCH_DELIVERIES} framed deliveries`),
);

/**
 * Where the gateway passes on the deliveries it received at about the same time, in one request (encoded as
 * catalog/src/boxWebhooks.ts says). Every delivery is checked, verified and stored exactly as if it had come alone
 * (the batch itself proves nothing: anyone who can reach it can send only what they could send one by one), and the
 * answer is a JSON array of `[status, body]`, one per delivery, in order. 400 for a request that is not such a
 * sequence, and nothing of it is stored.
 */
export function boxWebhookBatchIntake(receive: BoxDeliveryReceiver | undefined): RequestListener {
  if (!receive) return (_request, response) => refuseUnread(response, NOT_CONFIGURED);
  const answerOne = async ({ headers, body }: PassedDelivery) =>
    refusalBeforeReading(headers, body.length) ?? (await receive(headers, body));
  return (request, response) => {
    if (Number(request.headers['content-length'] ?? 0) > MAX_BATCH_BYTES) return refuseUnread(response, BATCH_TOO_LARGE);
    void readBody(request, MAX_BATCH_BYTES, BATCH_TOO_LARGE).then(async (data) => {
      if (data === undefined) return;
      if (!Buffer.isBuffer(data)) return refuseUnread(response, data);
      const deliveries = decodeDeliveries(data);
      if (!deliveries) return send(response, NOT_A_BATCH);
      const answers = await Promise.all(deliveries.map(answerOne));
      send(response, { status: 200, body: encodeReplies(answers.map(({ status, body }) => [status, body.toString('utf8')])) });
    });
  };
}

/** Whether a request is a delivery to the webhook path as written (a query string aside). */
export const isBoxDelivery = (request: IncomingMessage) => {
  const { method, url = '' } = request;
  return method === 'POST' && (url === BOX_WEBHOOK_PATH || url.startsWith(`${BOX_WEBHOOK_PATH}?`));
};

/**
 * The intake, served in front of Express (the subgraph's `serveFirst`): a delivery to the path as written is taken
 * before any Express middleware runs (its body reader, router, metrics and access log cost more than verifying and
 * storing it), and anything else that names the route (another case, a trailing slash) reaches the same handler
 * through Express (`routes`). Deliveries taken first are drained as requests are (the lifecycle's `held`): a shutdown
 * answers those in progress before it closes, and refuses new ones with 503, which Box retries.
 */
export function boxWebhookRoutes(db: FilesDb, keys: BoxWebhookKeys | undefined) {
  const receive = boxDeliveryReceiver(db, keys);
  const intake = boxWebhookIntake(receive);
  const batchIntake = boxWebhookBatchIntake(receive);
  return {
    serveFirst: (held: ServerLifecycle['held']) => {
      const [heldIntake, heldBatchIntake] = [held(intake), held(batchIntake)];
      return (request: IncomingMessage, response: ServerResponse) => {
        if (isBoxDelivery(request)) heldIntake(request, response);
        else if (request.method === 'POST' && request.url === BOX_WEBHOOK_BATCH_PATH) heldBatchIntake(request, response);
        else return false;
        return true;
      };
    },
    routes: (app: express.Express) => {
      app.post(BOX_WEBHOOK_PATH, (request, response) => intake(request, response));
    },
  };
}
