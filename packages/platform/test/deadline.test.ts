/**
 * The request deadline the gateway signs into the claims, at a subgraph over real HTTP: a request that arrives after it
 * is refused (503 UNAVAILABLE) without running a resolver, and one that runs past it resolves no further field.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { CLAIMS_HEADER, signClaims, type Claims } from '../src/claims.ts';
import { startSubgraph, type RunningServer } from '../src/server.ts';
import { ensureServiceKeys, loadKeyring } from '../src/serviceKeys.ts';

const typeDefs = parse(`
  type Query { items: [Item!] }
  type Item { n: Int }
`);

describe('a subgraph and the request deadline in the claims', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-deadline-test-'));
  ensureServiceKeys(dir, ['gateway', 'deadline']);
  const gateway = loadKeyring(dir, 'gateway');
  const calls = { items: 0, n: 0 };
  let server: RunningServer;

  beforeAll(async () => {
    const resolvers = {
      Query: {
        items: async () => {
          calls.items += 1;
          await new Promise((resolve) => setTimeout(resolve, 300));
          return [1, 2, 3].map((n) => ({ n }));
        },
      },
      Item: {
        n: (item: { n: number }) => {
          calls.n += 1;
          return item.n;
        },
      },
    };
    server = await startSubgraph(
      {
        name: 'deadline',
        modules: [{ file: new URL('file:///deadline.graphql'), typeDefs, resolvers }],
        createContext: (request) => request,
        replayGuard: { useOnce: async () => true },
      },
      { keyring: loadKeyring(dir, 'deadline') },
    );
  });

  afterAll(async () => {
    await server?.stop();
  });

  const ask = async (deadline: number | undefined) => {
    calls.items = 0;
    calls.n = 0;
    const body = { query: '{ items { n } }' };
    const claims: Claims = {
      kind: 'staff',
      sub: 'usr_abcdef123',
      scopes: [],
      teams: [],
      requestId: 'r1',
      ...(deadline ? { deadline } : {}),
    };
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: signClaims(gateway, 'deadline', body, claims) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
  };

  it('answers in full within the deadline, or without one', async () => {
    expect((await ask(undefined)).body).toEqual({ data: { items: [{ n: 1 }, { n: 2 }, { n: 3 }] } });
    expect((await ask(Date.now() + 10_000)).body).toEqual({ data: { items: [{ n: 1 }, { n: 2 }, { n: 3 }] } });
    expect(calls.n).toBe(3);
  });

  it('refuses a request that arrives after its deadline, running nothing', async () => {
    const answer = await ask(Date.now() - 1);
    expect(answer.status).toBe(503);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
    expect(calls).toEqual({ items: 0, n: 0 });
  });

  it('resolves no further field once the request runs past its deadline', async () => {
    const answer = await ask(Date.now() + 100);
    expect(calls).toEqual({ items: 1, n: 0 });
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
  });
});
