import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { Dispatcher } from 'undici';
import { ErrorCode, graphQLErrorBody, logger, throttledLog } from '@wrk/platform';

/** Where Box delivers webhooks on the gateway's host, and on the files subgraph that owns them. */
export const BOX_WEBHOOK_PATH = '/webhooks/box';
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

const sendJson = (response: ServerResponse, status: number, body: Buffer) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
};
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

/**
 * Box's webhook deliveries pass through to the files subgraph, which verifies their signature (the only
 * authentication: Box sends no bearer token, so this sits outside the token guard) and answers. The raw bytes and
 * the box-* headers go unchanged. A body (a few kB; one declared over the limit is refused from its Content-Length,
 * one without a length is read bounded) is read whole and sent as one buffer on the keep-alive pool, with a bare
 * dispatch handler rather than undici's request(): streaming it through, and reading the answer as a stream, cost
 * the gateway more CPU per delivery than the files subgraph spends verifying and storing it. The files subgraph's
 * answer (its own short JSON) comes back as it is, and a failure to reach it is a bare 502 that names no internal
 * address.
 */
export function boxWebhookPassThrough(filesGraphqlUrl: string, dispatcher: Dispatcher, maxBodyBytes: number) {
  const { origin, pathname: path } = new URL(BOX_WEBHOOK_PATH, filesGraphqlUrl);
  const log = logger.child({ route: BOX_WEBHOOK_PATH });
  const logFailure = throttledLog((fields: object) => log.error(fields, 'Box webhook delivery could not reach the files subgraph'));
  const tooLarge = Buffer.from(JSON.stringify(graphQLErrorBody(ErrorCode.PAYLOAD_TOO_LARGE, `The body is over ${maxBodyBytes} bytes`)));

  /** Resolves once the answer is sent (or the client is gone). */
  const forward = (headers: IncomingHttpHeaders, body: Buffer, response: ServerResponse) =>
    new Promise<void>((resolve) => {
      const reply = (status: number, answer: Buffer) => {
        if (!response.headersSent && !response.destroyed) sendJson(response, status, answer);
        resolve();
      };
      const fail = (error: Error) => {
        logFailure({ err: error });
        reply(502, UNREACHABLE);
      };
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
        onResponseEnd: () => reply(status, Buffer.concat(chunks)),
        onResponseError: (_controller, error) => fail(error),
      };
      const options: Dispatcher.DispatchOptions = {
        origin,
        path,
        method: 'POST',
        headers: forwardedHeaders(headers),
        body,
        headersTimeout: FORWARD_TIMEOUT_MS,
        bodyTimeout: FORWARD_TIMEOUT_MS,
      };
      try {
        dispatcher.dispatch(options, handler);
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });

  const passDeclared = async (incoming: IncomingMessage, response: ServerResponse) => {
    if (Number(incoming.headers['content-length']) > maxBodyBytes) {
      response.setHeader('connection', 'close');
      return sendJson(response, 413, tooLarge);
    }
    const body = await readDeclared(incoming);
    if (body) await forward(incoming.headers, body, response);
  };

  return {
    /**
     * In front of Express (listen's ServeFirst): a delivery of declared length to the path as written passes through
     * before any middleware runs. Not among the app's tracked requests: one cut by a shutdown is not answered, and
     * Box's retry of it is stored once.
     */
    serveFirst: (incoming: IncomingMessage, response: ServerResponse): boolean => {
      const { method, url = '', headers } = incoming;
      if (method !== 'POST' || headers['content-length'] === undefined) return false;
      if (url !== BOX_WEBHOOK_PATH && !url.startsWith(`${BOX_WEBHOOK_PATH}?`)) return false;
      void passDeclared(incoming, response);
      return true;
    },
    /** Through Express: the route under any other spelling, and bodies without a length. */
    handlers: [
      async (incoming, response, next) => {
        if (incoming.headers['content-length'] === undefined) return next();
        await passDeclared(incoming, response);
      },
      // Chunked (no Content-Length): read whole, bounded, then forwarded with its length.
      express.raw({ type: () => true, limit: maxBodyBytes }),
      async (incoming, response) => {
        const body = Buffer.isBuffer(incoming.body) ? incoming.body : Buffer.alloc(0);
        const { 'transfer-encoding': _chunked, ...headers } = incoming.headers;
        await forward({ ...headers, 'content-length': String(body.length) }, body, response);
      },
    ] satisfies RequestHandler[],
  };
}
