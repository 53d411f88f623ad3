import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { Dispatcher } from 'undici';
import {
  ErrorCode,
  graphQLErrorBody,
  groupCommitLoader,
  logger,
  sendJson,
  throttledLog,
  timeouts,
  type ServerLifecycle,
} from '@wrk/platform';
import {
  BOX_WEBHOOK_BATCH_PATH,
  BOX_WEBHOOK_PATH,
  decodeReplies,
  encodeDeliveries,
  MAX_BATCH_DELIVERIES,
  type PassedDelivery,
} from '@wrk/catalog/boxWebhooks';

export { BOX_WEBHOOK_PATH };
/** How long the files subgraph may take (it answers in milliseconds; Box itself gives up after 30 s). */
const FORWARD_TIMEOUT_MS = 10_000;

/** The headers a delivery is verified and stored by (and its length); nothing else is forwarded. */
const forwardedHeaders = (headers: IncomingHttpHeaders): Record<string, string> => {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if ((name.startsWith('box-') || name === 'content-type' || name === 'content-length') && typeof value === 'string') {
      forwarded[name] = value;
    }
  }
  return forwarded;
};

const OVERLOADED = Buffer.from(JSON.stringify(graphQLErrorBody(ErrorCode.OVERLOADED, 'The service is overloaded: retry later')));
const UNREACHABLE = Buffer.from(JSON.stringify(graphQLErrorBody(ErrorCode.UNAVAILABLE, 'Box webhooks cannot be received now')));

/**
 * The body of a request of declared length, read whole (Node's parser stops at the declared length), or undefined
 * when the sender went away before sending all of it (there is no one to answer, and nothing is forwarded).
 */
function readDeclared(incoming: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('end', () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)));
    incoming.once('aborted', () => resolve(undefined));
    incoming.once('error', () => resolve(undefined));
    incoming.once('close', () => resolve(undefined));
  });
}

/** What the files subgraph answered for one delivery, passed back to Box as it is. */
interface Reply {
  status: number;
  body: Buffer;
}

/** Bodies per batch request: a delivery larger than this goes alone. */
const MAX_BATCH_BYTES = 1024 * 1024;
/** Batch requests to the files subgraph at once (by default); deliveries arriving meanwhile wait and go together in the next. */
const MAX_BATCHES_IN_FLIGHT = 4;
/**
 * Deliveries being read, waiting or in flight at once (by default): one more is refused at once with 503 OVERLOADED
 * (Box sends it again later) rather than held in memory without bound while files is slow.
 */
const MAX_DELIVERIES_PENDING = 1024;

/** Deliveries in runs of at most MAX_BATCH_BYTES of bodies (a larger one alone), in order. */
function byBytes(deliveries: readonly PassedDelivery[]): PassedDelivery[][] {
  const runs: PassedDelivery[][] = [];
  let run: PassedDelivery[] = [];
  let bytes = 0;
  for (const delivery of deliveries) {
    if (run.length > 0 && bytes + delivery.body.length > MAX_BATCH_BYTES) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(delivery);
    bytes += delivery.body.length;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * Box's webhook deliveries pass through to the files subgraph, which verifies their signature (the only
 * authentication: Box sends no bearer token, so this sits outside the token guard) and answers. The raw bytes and
 * the box-* headers go unchanged. A body (a few kB; one declared over the limit is refused from its Content-Length,
 * one without a length is read bounded) is read whole. Deliveries received at about the same time go together in
 * one request to the files subgraph's batch route, which answers each as it would have alone (group commit, one hop
 * further out: under load the hop's cost, a request each way, is shared): at most MAX_BATCHES_IN_FLIGHT such requests
 * are in flight, and an idle gateway sends a delivery at once. Requests go on the keep-alive pool with a bare
 * dispatch handler rather than undici's request(), whose streams cost more than the files subgraph's work. Each
 * delivery's answer (the files subgraph's own short JSON) comes back as it is; a failure to reach it, or an answer
 * that is not one per delivery, is a bare 502 that names no internal address.
 */
export function boxWebhookPassThrough(
  filesGraphqlUrl: string,
  dispatcher: Dispatcher,
  maxBodyBytes: number,
  {
    batchesInFlight = MAX_BATCHES_IN_FLIGHT,
    maxPending = MAX_DELIVERIES_PENDING,
    held = (handle: RequestListener) => handle,
  }: { batchesInFlight?: number; maxPending?: number; held?: ServerLifecycle['held'] } = {},
) {
  const { origin, pathname: path } = new URL(BOX_WEBHOOK_BATCH_PATH, filesGraphqlUrl);
  const log = logger.child({ route: BOX_WEBHOOK_PATH });
  const logFailure = throttledLog((fields: object) => log.error(fields, 'Box webhook delivery could not reach the files subgraph'));
  const tooLarge = Buffer.from(JSON.stringify(graphQLErrorBody(ErrorCode.PAYLOAD_TOO_LARGE, `The body is over ${maxBodyBytes} bytes`)));
  const logOverload = throttledLog((fields: object) => log.warn(fields, 'Box webhook delivery shed: too many pending'));
  const refuseOverloaded = (response: ServerResponse) => {
    logOverload({ limit: maxPending });
    response.setHeader('connection', 'close');
    response.setHeader('retry-after', String(timeouts.retryAfterSeconds));
    sendJson(response, 503, OVERLOADED);
  };
  const unreachable = (error: Error): Reply => {
    logFailure({ err: error });
    return { status: 502, body: UNREACHABLE };
  };

  /** POSTs `body` to the batch route; resolves with the answer, or a 502 when the files subgraph cannot be reached. */
  const post = (body: Buffer) =>
    new Promise<Reply>((resolve) => {
      let status = 502;
      const chunks: Buffer[] = [];
      const handler: Dispatcher.DispatchHandler = {
        // Its presence selects undici's controller API (the on* methods below); nothing to do at the start.
        onRequestStart: () => undefined,
        onResponseStart: (_controller, statusCode) => {
          status = statusCode;
        },
        onResponseData: (_controller, chunk) => {
          chunks.push(chunk);
        },
        onResponseEnd: () => resolve({ status, body: Buffer.concat(chunks) }),
        onResponseError: (_controller, error) => resolve(unreachable(error)),
      };
      const options: Dispatcher.DispatchOptions = {
        origin,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body,
        headersTimeout: FORWARD_TIMEOUT_MS,
        bodyTimeout: FORWARD_TIMEOUT_MS,
      };
      try {
        dispatcher.dispatch(options, handler);
      } catch (error) {
        resolve(unreachable(error instanceof Error ? error : new Error(String(error))));
      }
    });

  /** One request for `deliveries`: their answers in order (a refusal of the whole request answers each). */
  const sendRun = async (deliveries: readonly PassedDelivery[]): Promise<Reply[]> => {
    const answer = await post(encodeDeliveries(deliveries));
    if (answer.status !== 200) return deliveries.map(() => answer);
    const replies = decodeReplies(answer.body, deliveries.length);
    if (!replies) {
      const failed = unreachable(new Error('the batch answer is not one reply per delivery'));
      return deliveries.map(() => failed);
    }
    return replies.map(([status, body]) => ({ status, body: Buffer.from(body) }));
  };

  const loader = groupCommitLoader(
    async (deliveries: readonly PassedDelivery[]) => (await Promise.all(byBytes(deliveries).map(sendRun))).flat(),
    {
      maxBatchSize: MAX_BATCH_DELIVERIES,
      batchesInFlight,
    },
  );

  /** Deliveries being read, waiting or in flight. */
  let pending = 0;
  /** Passes one delivery on and answers it; resolves once the answer is sent (or the client is gone). */
  const forward = async (headers: IncomingHttpHeaders, readBody: () => Promise<Buffer | undefined>, response: ServerResponse) => {
    if (pending >= maxPending) return refuseOverloaded(response);
    pending += 1;
    try {
      const body = await readBody();
      if (!body) return;
      const reply = await loader.load({ headers: forwardedHeaders(headers), body });
      if (!response.headersSent && !response.destroyed) sendJson(response, reply.status, reply.body);
    } finally {
      pending -= 1;
    }
  };

  const passDeclared = async (incoming: IncomingMessage, response: ServerResponse) => {
    if (Number(incoming.headers['content-length']) > maxBodyBytes) {
      response.setHeader('connection', 'close');
      return sendJson(response, 413, tooLarge);
    }
    await forward(incoming.headers, () => readDeclared(incoming), response);
  };
  const passDeclaredHeld = held((incoming, response) => void passDeclared(incoming, response));

  return {
    /**
     * In front of Express (listen's ServeFirst): a delivery of declared length to the path as written passes through
     * before any middleware runs. Drained as requests are (`held`): a shutdown answers those in progress before it
     * closes, and refuses new ones with 503, which Box retries.
     */
    serveFirst: (incoming: IncomingMessage, response: ServerResponse): boolean => {
      const { method, url = '', headers } = incoming;
      if (method !== 'POST' || headers['content-length'] === undefined) return false;
      if (url !== BOX_WEBHOOK_PATH && !url.startsWith(`${BOX_WEBHOOK_PATH}?`)) return false;
      passDeclaredHeld(incoming, response);
      return true;
    },
    /** Through Express: the route under any other spelling, and bodies without a length. */
    handlers: [
      async (incoming, response, next) => {
        if (incoming.headers['content-length'] === undefined) {
          // Refused before the body is read, as a delivery of declared length is (forward counts it once read).
          return pending >= maxPending ? refuseOverloaded(response) : next();
        }
        await passDeclared(incoming, response);
      },
      // Chunked (no Content-Length): read whole, bounded, then forwarded with its length.
      express.raw({ type: () => true, limit: maxBodyBytes }),
      async (incoming, response) => {
        const body = Buffer.isBuffer(incoming.body) ? incoming.body : Buffer.alloc(0);
        const { 'transfer-encoding': _chunked, ...headers } = incoming.headers;
        await forward({ ...headers, 'content-length': String(body.length) }, () => Promise.resolve(body), response);
      },
    ] satisfies RequestHandler[],
  };
}
