/**
 * Helpers of the fault tests (test/e2e/faults/): a stand-in for a subgraph that forwards to the real one or answers
 * as a broken one would, and a tally of what clients saw.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { Kind, parse } from 'graphql';
import type { GraphQLResponse } from './stack.ts';

/** How the stand-in answers entity requests (`_entities`); every other request is forwarded as it came. */
export type Misbehaviour = 'forward' | 'garbage' | 'nulls' | 'huge';

export interface SubgraphStandIn {
  url: string;
  /** Where requests are forwarded (the real subgraph's /graphql URL); set once it runs. */
  target: string;
  mode: Misbehaviour;
  /** Entity requests answered since the last reset, per mode. */
  answered: number;
  close(): Promise<void>;
}

const HUGE_BYTES = 50 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** 50 MB of a well-formed `_entities` answer, streamed in 1 MB pieces (the stand-in holds none of it). */
function* hugeAnswer() {
  const piece = 'x'.repeat(1024 * 1024);
  yield '{"data":{"_entities":[{"__typename":"BoxItem","name":"';
  for (let sent = 0; sent < HUGE_BYTES; sent += piece.length) yield piece;
  yield '"}]}}';
}

function writeHuge(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const body = Readable.from(hugeAnswer());
  res.on('close', () => body.destroy());
  body.pipe(res);
}

/** A real HTTP server registered as a subgraph's URL at the gateway (e.g. FILES_URL). */
export async function startSubgraphStandIn(): Promise<SubgraphStandIn> {
  const standIn: SubgraphStandIn = { url: '', target: '', mode: 'forward', answered: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const entityFields = entityFieldsOf(body);
      const entities = entityFields.length > 0;
      if (entities && standIn.mode !== 'forward') standIn.answered += 1;
      if (entities && standIn.mode === 'garbage') {
        const data = Object.fromEntries(entityFields.map((field) => [field, 'garbage']));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
        return;
      }
      if (entities && standIn.mode === 'huge') return writeHuge(res);
      const target = new URL(req.url ?? '/', standIn.target);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host'),
      );
      const forwarded = await fetch(target, { method: req.method, headers, body: req.method === 'GET' ? undefined : new Uint8Array(body) });
      const text = await forwarded.text();
      const answer = entities && standIn.mode === 'nulls' ? nullEntities(text) : text;
      res.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/json' }).end(answer);
    })().catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  standIn.url = `http://127.0.0.1:${port}/graphql`;
  standIn.close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return standIn;
}

/**
 * The response keys of the request's `_entities` fields: `_entities`, or the aliases of the gateway's merged entity
 * fetches (gateway/src/entityBatching.ts). None for any other request.
 */
function entityFieldsOf(body: Buffer): string[] {
  try {
    const { query } = JSON.parse(body.toString('utf8')) as { query?: string };
    const operation = parse(query ?? '').definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    return (operation?.selectionSet.selections ?? []).flatMap((selection) =>
      selection.kind === Kind.FIELD && selection.name.value === '_entities' ? [selection.alias?.value ?? '_entities'] : [],
    );
  } catch {
    return [];
  }
}

/** The forwarded answer with every entity replaced by null. */
function nullEntities(text: string): string {
  const answer = JSON.parse(text) as { data?: Record<string, unknown> };
  for (const [field, entities] of Object.entries(answer.data ?? {})) {
    if (Array.isArray(entities) && answer.data) answer.data[field] = entities.map(() => null);
  }
  return JSON.stringify(answer);
}

/** What a client saw, for a query whose root field belongs to a live subgraph. */
export type Outcome = 'full' | 'partial' | 'unpathed' | 'nullRoot' | 'failed';

/**
 * full: no error; partial: the root answered and every error sits at a path; unpathed: the root answered but some
 * error has no path (the client cannot tell which field it concerns); nullRoot: the root field is null (or no data);
 * failed: no GraphQL answer at all.
 */
export function outcomeOf(response: GraphQLResponse<Record<string, unknown>> | undefined, root: string): Outcome {
  if (!response || !('data' in response || 'errors' in response)) return 'failed';
  const value = response.data?.[root];
  if (value === null || value === undefined) return 'nullRoot';
  if (!response.errors?.length) return 'full';
  return response.errors.every((error) => Array.isArray(error.path) && error.path.length > 1) ? 'partial' : 'unpathed';
}

export type Tally = Record<Outcome, number>;
export const emptyTally = (): Tally => ({ full: 0, partial: 0, unpathed: 0, nullRoot: 0, failed: 0 });
