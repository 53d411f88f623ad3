import { DEMO } from '@wrk/catalog/demo';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const [kind] = databaseKinds();

describe(`gateway limits and explorer (${kind} Postgres)`, () => {
  let stack: TestStack;
  let admin: Record<string, string>;
  let agent: Record<string, string>;

  beforeAll(async () => {
    stack = await startTestStack(kind!);
    admin = stack.as(await stack.token('admin@wrk.demo'));
    agent = stack.as(await stack.token('staff@wrk.demo', { agent: 'reader', scopes: ['core:read'] }));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses an operation deeper than the depth limit before executing it', async () => {
    const deep = `{ project(id: "${DEMO.projects.platform}") { ${'children { '.repeat(12)}id${' }'.repeat(12)} } }`;
    const result = await stack.graphql(deep, {}, admin);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 25 }, (_, i) => `a${i}: contracts { totalCount }`).join(' ');
    const result = await stack.graphql(`{ ${aliases} }`, {}, admin);
    expect(result.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('lets staff introspect, refuses agents (unless WRK_AGENT_INTROSPECTION) and anonymous callers', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect((await stack.graphql(query, {}, admin)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await stack.graphql(query, {}, agent)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await stack.graphql(query, {})).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('serves an offline GraphiQL page (no CDN) for a browser, and health endpoints', async () => {
    const page = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('WRK v2 explorer');
    expect(html).not.toMatch(/<script[^>]+src="https?:\/\//);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdn\.apollographql/);
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await (await fetch(`${base}/ready`)).json()).toEqual({ status: 'ready' });
  });

  it('subgraphs refuse requests without, or with a forged, gateway signature (401)', async () => {
    for (const url of Object.values(stack.subgraphUrls)) {
      const missing = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(missing.status).toBe(401);
      const forged = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wrk-claims': 'eyJhbGciOiJIUzI1NiJ9.e30.forged' },
        body: '{"query":"{ __typename }"}',
      });
      expect(forged.status).toBe(401);
    }
  });
});
