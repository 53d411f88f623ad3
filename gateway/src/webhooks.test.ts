import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Agent } from 'undici';
import { BOX_WEBHOOK_BATCH_PATH, decodeDeliveries, encodeReplies, type PassedDelivery } from '@wrk/catalog/boxWebhooks';
import { BOX_WEBHOOK_PATH, boxWebhookPassThrough } from './webhooks.ts';

/** One request the stand-in files subgraph received on its batch route: the deliveries in it, in order. */
interface ReceivedBatch {
  deliveries: PassedDelivery[];
}

const listenOn = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const readAll = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * A real HTTP stand-in of the files subgraph's batch route: it records each batch and, after `holdMs`, answers what
 * `answer` makes of it (by default one reply per delivery naming its delivery id and body length).
 */
async function standInFiles(holdMs: number, answer?: (batch: ReceivedBatch, response: ServerResponse) => void) {
  const batches: ReceivedBatch[] = [];
  const server = createServer((request, response) => {
    void readAll(request).then((data) => {
      const deliveries = request.url === BOX_WEBHOOK_BATCH_PATH ? decodeDeliveries(data) : undefined;
      if (!deliveries) return response.writeHead(404).end();
      const batch: ReceivedBatch = { deliveries };
      batches.push(batch);
      setTimeout(() => {
        if (answer) return answer(batch, response);
        const replies = encodeReplies(
          batch.deliveries.map(({ headers, body }) => [200, JSON.stringify({ delivery: headers['box-delivery-id'], length: body.length })]),
        );
        response.writeHead(200, { 'content-type': 'application/json' }).end(replies);
      }, holdMs);
    });
  });
  const url = await listenOn(server);
  return { batches, graphqlUrl: `${url}/graphql`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The gateway's pass-through alone on a port of its own, as the gateway serves it: before Express, then its route. */
interface PassThroughOptions {
  answer?: Parameters<typeof standInFiles>[1];
  maxBodyBytes?: number;
  batchesInFlight?: number;
  maxPending?: number;
}
async function passThroughTo(filesGraphqlUrl: string, { maxBodyBytes = 256 * 1024, batchesInFlight, maxPending }: PassThroughOptions) {
  const dispatcher = new Agent({ connections: 128 });
  const { serveFirst, handlers } = boxWebhookPassThrough(filesGraphqlUrl, dispatcher, maxBodyBytes, { batchesInFlight, maxPending });
  const app = express();
  app.post(BOX_WEBHOOK_PATH, ...handlers);
  const server = createServer((request, response) => {
    if (!serveFirst(request, response)) app(request, response);
  });
  const url = await listenOn(server);
  return {
    /**
     * A delivery without Content-Length (chunked transfer encoding): the route behind Express takes it. With
     * `endBody: false` the body is never finished, so only an answer given before reading it arrives.
     */
    deliverChunked: (id: string, body: Buffer, { endBody = true } = {}) =>
      new Promise<{ status: number | undefined; retryAfter: string | undefined; text: string }>((resolve, reject) => {
        const { port } = new URL(url);
        const sent = httpRequest(
          { port, host: '127.0.0.1', method: 'POST', path: BOX_WEBHOOK_PATH, headers: { 'box-delivery-id': id } },
          (response) => {
            void readAll(response).then((text) =>
              resolve({ status: response.statusCode, retryAfter: response.headers['retry-after'], text: text.toString() }),
            );
          },
        );
        sent.on('error', reject);
        sent.write(body);
        if (endBody) return sent.end();
        // The body stays open: an answer that waits for it never comes.
        const unanswered = setTimeout(() => {
          sent.destroy();
          reject(new Error('no answer while the body was still open'));
        }, 2_000);
        sent.once('response', (response) => response.once('end', () => (clearTimeout(unanswered), sent.destroy())));
      }),
    deliver: async (id: string, body: Buffer) => {
      const response = await fetch(`${url}${BOX_WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'box-delivery-id': id, 'box-signature-primary': `sig-${id}`, cookie: 'x' },
        body: new Uint8Array(body),
      });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
    },
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await dispatcher.close();
    },
  };
}

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()!();
});
async function setUp(holdMs: number, options: PassThroughOptions = {}) {
  const files = await standInFiles(holdMs, options.answer);
  stops.push(files.close);
  const gateway = await passThroughTo(files.graphqlUrl, options);
  stops.push(gateway.close);
  return { files, gateway };
}

describe('Box webhook deliveries through the gateway, batched to the files subgraph', () => {
  it('an idle gateway passes a delivery on at once, alone, with only the headers it is verified by', async () => {
    const { files, gateway } = await setUp(0);
    const body = Buffer.from('{"id":"e1","trigger":"FILE.UPLOADED"}');
    expect(await gateway.deliver('d1', body)).toMatchObject({ status: 200, text: JSON.stringify({ delivery: 'd1', length: body.length }) });
    expect(files.batches).toHaveLength(1);
    expect(files.batches[0]!.deliveries[0]!.headers).toEqual({
      'box-delivery-id': 'd1',
      'box-signature-primary': 'sig-d1',
      'content-type': 'application/json',
      'content-length': String(body.length),
    });
  });

  it('deliveries arriving while batches are in flight go together; each gets its own answer; bodies arrive byte for byte', async () => {
    const { files, gateway } = await setUp(100);
    // Bytes that are not UTF-8: a body passes as received, whatever it is.
    const bodyOf = (i: number) => Buffer.concat([Buffer.from(`{"id":"e${i}"}`), Buffer.from([0xff, 0xfe, i])]);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => gateway.deliver(`d${i}`, bodyOf(i))));
    answers.forEach((answer, i) => {
      expect(answer).toMatchObject({ status: 200, text: JSON.stringify({ delivery: `d${i}`, length: bodyOf(i).length }) });
    });
    const received = files.batches.flatMap((batch) => batch.deliveries);
    expect(received).toHaveLength(40);
    for (const { headers, body } of received) expect(body.equals(bodyOf(Number(headers['box-delivery-id']!.slice(1))))).toBe(true);
    // Four requests in flight while the rest wait: they share the next one.
    expect(files.batches.length).toBeLessThan(40);
    expect(files.batches.length).toBeLessThanOrEqual(8);
  });

  it('a batch carries at most 1 MiB of bodies; a larger delivery goes alone', async () => {
    const { files, gateway } = await setUp(300, { maxBodyBytes: 2 * 1024 * 1024, batchesInFlight: 1 });
    // A small delivery takes the one slot; the large ones arrive meanwhile and wait together.
    const filler = gateway.deliver('f', Buffer.from('{}'));
    while (files.batches.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const sizes = [400, 400, 400, 400, 1500, 10].map((kib) => kib * 1024);
    const answers = await Promise.all(sizes.map((size, i) => gateway.deliver(`d${i}`, Buffer.alloc(size, 'x'))));
    expect((await filler).status).toBe(200);
    expect(answers.map((answer) => answer.status)).toEqual(sizes.map(() => 200));
    const large = files.batches.slice(1);
    for (const batch of large) {
      const bytes = batch.deliveries.reduce((sum, { body }) => sum + body.length, 0);
      expect(batch.deliveries.length === 1 || bytes <= 1024 * 1024).toBe(true);
    }
    expect(large.flatMap((batch) => batch.deliveries)).toHaveLength(sizes.length);
    expect(large.length).toBeLessThan(sizes.length);
  });

  it('deliveries over the pending limit are refused at once with 503 OVERLOADED and Retry-After, not held', async () => {
    const { files, gateway } = await setUp(300, { maxPending: 8 });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => gateway.deliver(`d${i}`, Buffer.from('{}'))));
    const refused = answers.filter((answer) => answer.status === 503);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(8);
    expect(refused).toHaveLength(12);
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(JSON.parse(answer.text)).toMatchObject({ errors: [{ extensions: { code: 'OVERLOADED' } }] });
    }
    expect(files.batches.flatMap((batch) => batch.deliveries)).toHaveLength(8);
    // Once those are answered, deliveries pass again.
    expect(await gateway.deliver('later', Buffer.from('{}'))).toMatchObject({ status: 200 });
  });

  it('a delivery without Content-Length is refused before its body is read while the pending limit is reached, and passes once it is not', async () => {
    const { files, gateway } = await setUp(300, { maxPending: 2 });
    const held = [gateway.deliver('d1', Buffer.from('{}')), gateway.deliver('d2', Buffer.from('{}'))];
    while (files.batches.flatMap((batch) => batch.deliveries).length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const refused = await gateway.deliverChunked('c1', Buffer.from('{"id":'), { endBody: false });
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(refused.text)).toMatchObject({ errors: [{ extensions: { code: 'OVERLOADED' } }] });
    expect((await Promise.all(held)).map((answer) => answer.status)).toEqual([200, 200]);
    const body = Buffer.from('{"id":"chunked"}');
    expect(await gateway.deliverChunked('c2', body)).toMatchObject({
      status: 200,
      text: JSON.stringify({ delivery: 'c2', length: body.length }),
    });
    const passed = files.batches.flatMap((batch) => batch.deliveries).find(({ headers }) => headers['box-delivery-id'] === 'c2');
    expect(passed?.headers['content-length']).toBe(String(body.length));
    expect(passed?.body.equals(body)).toBe(true);
  });

  it('a refusal of the whole batch answers each delivery in it as it is', async () => {
    const refusal = JSON.stringify({ errors: [{ message: 'Box webhooks are not configured here', extensions: { code: 'UNAVAILABLE' } }] });
    const { gateway } = await setUp(0, { answer: (_batch, response) => response.writeHead(503).end(refusal) });
    const answers = await Promise.all(['d1', 'd2', 'd3'].map((id) => gateway.deliver(id, Buffer.from('{}'))));
    expect(answers).toEqual(answers.map(() => ({ status: 503, retryAfter: null, text: refusal })));
  });

  it.each([
    ['fewer replies than deliveries', (batch: ReceivedBatch) => JSON.stringify(batch.deliveries.slice(1).map(() => [200, '{}']))],
    ['not JSON', () => 'oops'],
    ['replies of the wrong shape', (batch: ReceivedBatch) => JSON.stringify(batch.deliveries.map(() => ({ status: 200 })))],
  ])('an answer with %s is a bare 502 for each delivery', async (_, answerOf) => {
    const { gateway } = await setUp(0, { answer: (batch, response) => response.writeHead(200).end(answerOf(batch)) });
    const answers = await Promise.all(['d1', 'd2'].map((id) => gateway.deliver(id, Buffer.from('{}'))));
    for (const answer of answers) {
      expect(answer.status).toBe(502);
      expect(answer.text).not.toMatch(/127\.0\.0\.1|batch|http:/);
    }
  });
});
