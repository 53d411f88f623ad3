/**
 * The least a gateway can do, as the bench's floor for WRK p50 ÷ direct p50: a node:http server that forwards each
 * POST to `/<subgraph>/graphql` to that subgraph (its URL from `<SUBGRAPH>_URL`, read as the gateway reads it), with the
 * request's content type and signed claims, over a keep-alive undici pool, and answers with the subgraph's answer.
 * No token check, no session, no plan, no result shaping: one more hop over loopback and nothing else.
 */
import { createServer } from 'node:http';
import { Agent, request } from 'undici';
import { ownerUrlsFromEnv } from '@wrk/catalog/owners';
import { CLAIMS_HEADER } from '@wrk/platform';

const upstream = new Map(Object.entries(ownerUrlsFromEnv()).map(([name, url]) => [`/${name}/graphql`, url]));
const pool = new Agent({ keepAliveTimeout: 30_000 });

const server = createServer((req, res) => {
  const target = upstream.get(req.url ?? '');
  if (req.url === '/health' || !target) return void res.writeHead(req.url === '/health' ? 200 : 404).end();
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const headers = {
      'content-type': req.headers['content-type'] ?? 'application/json',
      [CLAIMS_HEADER]: String(req.headers[CLAIMS_HEADER]),
    };
    request(target, { method: 'POST', dispatcher: pool, headers, body: Buffer.concat(chunks) })
      .then(async (answer) => {
        const body = Buffer.from(await answer.body.arrayBuffer());
        res.writeHead(answer.statusCode, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
      })
      .catch(() => res.writeHead(502).end());
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
