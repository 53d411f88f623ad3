/**
 * Bounded work per request and errors a client can act on: operation limits (the same at the gateway and at every
 * subgraph), rate limits, authentication challenges, body errors, schema suggestions, the explorer.
 */
import { DEMO } from '@wrk/demo';
import { startGateway } from '@wrk/gateway/server';
import { committedSupergraph } from '@wrk/gateway/compose';
import { loadOperations } from '@wrk/gateway/mcp/operations';
import { CLAIMS_HEADER, signClaims, type Claims, type RunningServer } from '@wrk/platform';
import pg from 'pg';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const [kind] = databaseKinds();

/** 20,000 well-formed IDs: the request of the finding, which took 3.3 s before it was refused. */
const manyIds = (n: number) => Array.from({ length: n }, (_, i) => `ctr_${String(i).padStart(20, '0')}`);
const NODES = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe(`gateway limits and explorer (${kind} Postgres)`, () => {
  let stack: TestStack;
  let admin: Record<string, string>;
  let agent: Record<string, string>;
  let claims: Claims;

  beforeAll(async () => {
    stack = await startTestStack(kind!);
    admin = stack.as(await stack.token('admin@wrk.demo'));
    agent = stack.as(await stack.token('staff@wrk.demo', { agent: 'reader', scopes: ['core:read'] }));
    claims = { kind: 'staff', sub: DEMO.users.admin, role: 'admin', scopes: ['core:read'], teams: [], requestId: 'limits' };
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('operation limits', () => {
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
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.message).toMatch(/alias/i);
    });

    it('refuses a query over the token limit with 400, not 500', async () => {
      const fields = Array.from({ length: 4100 }, () => 'id').join(' ');
      const result = await stack.graphql(`{ me { ${fields} } }`, {}, admin);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
      expect(result.errors?.[0]?.message).toMatch(/more th\w+ 4000 tokens/);
    });

    it('refuses nodes(ids:) with 20,000 IDs in variables, before any work: over the body limit (413), else over the list limit (400)', async () => {
      const result = await stack.graphql(NODES, { ids: manyIds(20_000) }, admin);
      expect(result.status).toBe(413);
      expect(result.data ?? null).toBeNull();
      expect(result.errors).toEqual([{ message: 'The request body is larger than allowed', extensions: { code: 'PAYLOAD_TOO_LARGE' } }]);
      const fits = await stack.graphql(NODES, { ids: manyIds(5_000) }, admin);
      expect(fits.status).toBe(400);
      expect(fits.errors).toHaveLength(1);
      expect(fits.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nodes(ids)', limit: 1000, size: 5_000 });
      expect(fits.errors?.[0]?.message).toBe('nodes(ids): at most 1000 items, got 5000');
    });

    it('holds every list argument to the limit, literal or variable, at any depth of an input, and lets the limit itself through', async () => {
      const literal = `{ nodes(ids: [${manyIds(1001)
        .map((id) => `"${id}"`)
        .join(', ')}]) { id } }`;
      expect((await stack.graphql(literal, {}, admin)).errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'nodes(ids)',
      });
      const statuses = Array.from({ length: 1001 }, () => 'ACTIVE');
      const filtered = await stack.graphql(
        'query ($s: [ContractStatus!]) { contracts(filter: { status: $s }) { totalCount } }',
        { s: statuses },
        admin,
      );
      expect(filtered.status).toBe(400);
      expect(filtered.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contracts(filter).status' });
      const atLimit = await stack.graphql(NODES, { ids: manyIds(1000) }, admin);
      expect(atLimit.errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT') ?? false).toBe(false);
      expect(atLimit.data?.nodes).toHaveLength(1000);
    });

    it('refuses a page larger than the maximum before any work', async () => {
      const result = await stack.graphql('{ contracts(first: 101) { nodes { id } } }', {}, admin);
      expect(result.status).toBe(400);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contracts(first)' });
    });

    it('counts list lengths and page sizes in the cost', async () => {
      // 20 aliases × 100 IDs × (1 + 10 fields): each list well within the limit, together over the cost of 20,000.
      const fields =
        'id ... on Contract { title status startDate endDate agreementTerms billingTerms reportingTerms complianceTerms visibility createdAt }';
      const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: nodes(ids: $ids) { ${fields} }`).join(' ');
      const result = await stack.graphql(`query ($ids: [ID!]!) { ${aliases} }`, { ids: manyIds(100) }, admin);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxCost: 20_000 });
      expect(result.errors?.[0]?.message).toMatch(/^Operation cost \d+ exceeds the limit of 20000$/);
      // The same selection, once: well within.
      const once = await stack.graphql(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${fields} } }`, { ids: manyIds(100) }, admin);
      expect(once.status).toBe(200);
    });

    it('refuses variables that do not coerce, before any work', async () => {
      const result = await stack.graphql('query ($n: Int!) { contracts(first: $n) { totalCount } }', { n: 'many' }, admin);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('refuses malformed dates as bad input at the gateway, in variables and literals, before any subgraph is asked', async () => {
      const CONTRACTS = 'query ($before: Date) { contracts(first: 1, filter: { endsBefore: $before }) { totalCount } }';
      expect((await stack.graphql(CONTRACTS, { before: '2026-12-31' }, admin)).errors).toBeUndefined();
      for (const before of ['yesterday', '2026-13-45', 20261231]) {
        const result = await stack.graphql(CONTRACTS, { before }, admin);
        expect(result.status).toBe(400);
        expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(result.errors?.[0]?.message).toContain('$before');
      }
      const literal = await stack.graphql('{ contracts(first: 1, filter: { endsBefore: "yesterday" }) { totalCount } }', {}, admin);
      expect(literal.status).toBe(400);
      expect(literal.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('subgraphs enforce the same limits on a correctly signed direct call', async () => {
      const ids = await stack.direct('core', NODES, { ids: manyIds(20_000) }, claims);
      expect(ids.status).toBe(400);
      expect(ids.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nodes(ids)', limit: 1000 });
      const page = await stack.direct('core', '{ contracts(first: 1000) { totalCount } }', {}, claims);
      expect(page.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contracts(first)' });
      const deep = `{ project(id: "${DEMO.projects.platform}") { ${'children { '.repeat(12)}id${' }'.repeat(12)} } }`;
      expect((await stack.direct('core', deep, {}, claims)).errors?.[0]?.message).toMatch(/depth/i);
      const aliases = Array.from({ length: 25 }, (_, i) => `a${i}: contracts { totalCount }`).join(' ');
      expect((await stack.direct('core', `{ ${aliases} }`, {}, claims)).errors?.[0]?.message).toMatch(/alias/i);
      // _entities, which the gateway builds from a page of pages, is held to page size × list size.
      const representations = manyIds(10_001).map((id) => ({ __typename: 'Contract', id }));
      const entities = await stack.direct(
        'core',
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Contract { id } } }',
        { r: representations },
        claims,
      );
      expect(entities.status).toBe(400);
      expect(entities.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: '_entities(representations)',
        limit: 10_000,
      });
    });
  });

  describe('errors a client can act on', () => {
    it('answers a request without a token with 401 and a Bearer challenge (no scope list)', async () => {
      const response = await post(stack.gatewayUrl, JSON.stringify({ query: '{ me { id } }' }));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="wrk"');
      const body = JSON.parse(response.text);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(body.data ?? null).toBeNull();
    });

    it('answers an invalid token with 401 and error="invalid_token"', async () => {
      const response = await post(stack.gatewayUrl, JSON.stringify({ query: '{ me { id } }' }), { authorization: 'Bearer not.a.token' });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="wrk", error="invalid_token", error_description="[^"]+"$/);
      expect(JSON.parse(response.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('answers a valid token lacking a scope with 403, naming each missing scope once', async () => {
      const response = await post(stack.gatewayUrl, JSON.stringify({ query: '{ me { id email } users { nodes { id } } }' }), agent);
      expect(response.status).toBe(403);
      const error = JSON.parse(response.text).errors[0];
      expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['identity:read'] });
      expect(error.extensions.fields).toEqual(expect.arrayContaining(['Query.me', 'Query.users']));
      expect(error.message.match(/identity:read/g)).toHaveLength(1);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="wrk", error="insufficient_scope", scope="identity:read"');
    });

    it.each(['gateway', 'identity', 'core', 'files', 'agents'])(
      '%s: malformed JSON and oversized bodies get GraphQL-shaped JSON, no HTML or paths',
      async (server) => {
        const url = server === 'gateway' ? stack.gatewayUrl : stack.subgraphUrls[server as keyof TestStack['subgraphUrls']];
        const malformed = await post(url, '{"query": "{ me { id } }"', admin);
        expect(malformed.status).toBe(400);
        expect(malformed.headers.get('content-type')).toMatch(/^application\/json/);
        expect(JSON.parse(malformed.text)).toEqual({
          errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
        });
        const huge = await post(url, JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(3 * 1024 * 1024) } }), admin);
        expect(huge.status).toBe(413);
        expect(huge.headers.get('content-type')).toMatch(/^application\/json/);
        expect(JSON.parse(huge.text)).toEqual({
          errors: [{ message: 'The request body is larger than allowed', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
        });
        for (const text of [malformed.text, huge.text]) {
          expect(text).not.toMatch(/<html|<pre|node_modules|\/work\/|at \w+ \(/i);
        }
      },
    );

    it.each(['identity', 'core', 'files', 'agents'])(
      '%s: a plain JSON POST (served without Express) answers exactly as the Express route does',
      async (subgraph) => {
        const url = stack.subgraphUrls[subgraph as keyof TestStack['subgraphUrls']];
        const query = '{ __typename }';
        const signed = () => ({ [CLAIMS_HEADER]: signClaims(stack.keyrings.gateway, subgraph, { query }, claims) });
        const bodies: [string, () => Record<string, string>][] = [
          [JSON.stringify({ query }), signed],
          [JSON.stringify({ query }), () => ({})],
          ['{"query": "{ __typename }"', signed],
          ['1', signed],
          ['', signed],
          ['[]', signed],
          [JSON.stringify({ query, variables: { pad: 'x'.repeat(3 * 1024 * 1024) } }), signed],
        ];
        for (const [body, headers] of bodies) {
          const plain = await post(url, body, headers());
          const viaExpress = await post(`${url}?via=express`, body, headers());
          expect({ body: body.slice(0, 40), status: plain.status, type: plain.headers.get('content-type'), text: plain.text }).toEqual({
            body: body.slice(0, 40),
            status: viaExpress.status,
            type: viaExpress.headers.get('content-type'),
            text: viaExpress.text,
          });
        }
      },
    );

    it('gateway: a plain JSON POST (served without Express) answers exactly as the Express route does', async () => {
      const operation = loadOperations().find((curated) => curated.name === 'FindOrganizations')!;
      const INTROSPECTION = '{ __schema { types { name fields { name description type { name kind ofType { name } } } } } }';
      const cases: [string, string, Record<string, string>][] = [
        ['a query', JSON.stringify({ query: '{ organizations(first: 2) { nodes { id name } } }' }), admin],
        ['a large answer, compressed', JSON.stringify({ query: INTROSPECTION }), admin],
        ['a large answer, not accepted compressed', JSON.stringify({ query: INTROSPECTION }), { ...admin, 'accept-encoding': 'identity' }],
        ['a persisted operation by documentId', JSON.stringify({ documentId: `sha256:${operation.id}`, variables: { first: 2 } }), admin],
        ['an unknown documentId', JSON.stringify({ documentId: 'sha256:0000' }), admin],
        ['a refused field', JSON.stringify({ query: '{ __schema { queryType { name } } }' }), agent],
        ['no token', JSON.stringify({ query: '{ __typename }' }), {}],
        ['a bad token', JSON.stringify({ query: '{ __typename }' }), { authorization: 'Bearer not.a.token' }],
        ['malformed JSON', '{"query": "{ __typename }"', admin],
        ['a scalar', '1', admin],
        ['an empty body', '', admin],
        ['a batch', JSON.stringify([{ query: '{ __typename }' }]), admin],
        ['3 MB', JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(3 * 1024 * 1024) } }), admin],
      ];
      const shape = async (url: string, body: string, headers: Record<string, string>) => {
        const answer = await post(url, body, headers);
        expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        const header = (name: string) => answer.headers.get(name);
        return {
          status: answer.status,
          headers: ['content-type', 'content-encoding', 'vary', 'www-authenticate', 'retry-after'].map(header),
          // Without the request's ID: each request has its own.
          text: answer.text.replaceAll(answer.headers.get('x-request-id')!, 'ID'),
        };
      };
      for (const [name, body, headers] of cases) {
        const plain = await shape(stack.gatewayUrl, body, headers);
        const viaExpress = await shape(`${stack.gatewayUrl}?via=express`, body, headers);
        expect({ name, ...plain }).toEqual({ name, ...viaExpress });
      }
      const persisted = await post(stack.gatewayUrl, cases[3]![1], admin);
      expect(JSON.parse(persisted.text).data.organizations.nodes).toHaveLength(2);
      const compressed = await post(stack.gatewayUrl, JSON.stringify({ query: INTROSPECTION }), admin);
      expect(compressed.headers.get('content-encoding')).toBe('gzip');
      expect(JSON.parse(compressed.text).data.__schema.types.length).toBeGreaterThan(100);
    });

    it('gives schema suggestions only to callers who may introspect', async () => {
      const typo = '{ contractz { totalCount } }';
      expect((await stack.graphql(typo, {}, admin)).errors?.[0]?.message).toMatch(/Did you mean .*"contracts"\?/);
      const forAgent = await stack.graphql(typo, {}, agent);
      expect(forAgent.status).toBe(400);
      expect(forAgent.errors?.[0]?.message).toBe('Cannot query field "contractz" on type "Query".');
      const badEnum = await stack.graphql('{ contracts(filter: { status: [ACTIV] }) { totalCount } }', {}, agent);
      expect(badEnum.errors?.[0]?.message).not.toMatch(/Did you mean/);
    });

    it('lets staff introspect, refuses agents (unless WRK_AGENT_INTROSPECTION) and callers without a token', async () => {
      const query = '{ __schema { queryType { name } } }';
      expect((await stack.graphql(query, {}, admin)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      expect((await stack.graphql(query, {}, agent)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const anonymous = await stack.graphql(query, {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('serves an offline GraphiQL page (no CDN) for a browser without a token, and health endpoints', async () => {
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
        const missing = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ __typename }"}',
        });
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
});

describe(`rate limits (${kind} Postgres)`, () => {
  const PER_TOKEN = 5;
  const PER_ADDRESS = 3;
  let stack: TestStack;
  let second: RunningServer | undefined;

  beforeAll(async () => {
    stack = await startTestStack(kind!, { rateLimits: { perToken: PER_TOKEN, perAddress: PER_ADDRESS } });
  });
  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
  });

  const me = (headers: Record<string, string> = {}) => post(stack.gatewayUrl, JSON.stringify({ query: '{ me { id } }' }), headers);

  it('answers a token over its limit with 429, Retry-After and RATE_LIMITED; other tokens go on', async () => {
    const token = stack.as(await stack.token('staff@wrk.demo'));
    for (let i = 0; i < PER_TOKEN; i++) expect((await me(token)).status).toBe(200);
    const refused = await me(token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const body = JSON.parse(refused.text);
    expect(body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(body.data ?? null).toBeNull();
    expect((await me(stack.as(await stack.token('admin@wrk.demo')))).status).toBe(200);
  });

  it('refuses a token over its limit before reading its body: no parsing, however large or malformed', async () => {
    const token = stack.as(await stack.token('staff@wrk.demo', { agent: 'flooder', scopes: ['identity:read'] }));
    for (let i = 0; i < PER_TOKEN; i++) expect((await me(token)).status).toBe(200);
    expect((await post(stack.gatewayUrl, '{ not json', token)).status).toBe(429);
    expect((await post(stack.gatewayUrl, JSON.stringify({ query: NODES, variables: { ids: manyIds(5_000) } }), token)).status).toBe(429);
    // A body announced over the limit is refused before its token is even looked at.
    expect((await post(stack.gatewayUrl, JSON.stringify({ query: NODES, variables: { ids: manyIds(20_000) } }), token)).status).toBe(413);
  });

  it('counts requests without a valid token against the address, not valid tokens from the same address', async () => {
    const valid = stack.as(await stack.token('admin@wrk.demo'));
    expect((await me()).status).toBe(401);
    expect((await me({ authorization: 'Bearer forged' })).status).toBe(401);
    expect((await me()).status).toBe(401);
    const refused = await me();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await me({ authorization: 'Bearer forged' })).status).toBe(429);
    expect((await me(valid)).status).toBe(200);
  });

  it('holds across gateway processes: the counters are in Postgres', async () => {
    second = await startGateway({
      supergraphSdl: committedSupergraph(),
      subgraphUrls: stack.subgraphUrls,
      keyring: stack.keyrings.gateway,
      databaseUrl: stack.databaseUrl,
      rateLimits: { perToken: PER_TOKEN, perAddress: 1000 },
    });
    const token = stack.as(await stack.token('restricted@wrk.demo'));
    for (let i = 0; i < PER_TOKEN; i++) expect((await me(token)).status).toBe(200);
    const elsewhere = await post(second.url, JSON.stringify({ query: '{ me { id } }' }), token);
    expect(elsewhere.status).toBe(429);
  });

  describe('a large limit, on two gateway processes', () => {
    const LARGE = 1000;
    const gateways: RunningServer[] = [];
    let db: pg.Client;

    beforeAll(async () => {
      for (let i = 0; i < 2; i += 1) {
        gateways.push(
          await startGateway({
            supergraphSdl: committedSupergraph(),
            subgraphUrls: stack.subgraphUrls,
            keyring: stack.keyrings.gateway,
            databaseUrl: stack.databaseUrl,
            // A window longer than the tests: none ends while they count.
            rateLimits: { perToken: LARGE, tokenWindowSeconds: 600, perAddress: 1000 },
          }),
        );
      }
      // Every write to the counters is one upsert statement, whichever limiter sends it: a row trigger counts them.
      db = new pg.Client({ connectionString: stack.databaseUrl });
      await db.connect();
      await db.query(`
        CREATE TABLE public.rate_limit_writes (key text NOT NULL);
        CREATE FUNCTION public.count_rate_limit_write() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN INSERT INTO public.rate_limit_writes VALUES (NEW.key); RETURN NEW; END $$;
        CREATE TRIGGER counted BEFORE INSERT ON platform.rate_limits FOR EACH ROW EXECUTE FUNCTION public.count_rate_limit_write();`);
    });
    afterAll(async () => {
      await db?.end();
      await Promise.all(gateways.map((gateway) => gateway.stop()));
    });

    const writes = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM public.rate_limit_writes')).rows[0]?.n);

    /**
     * `requests` requests with one token, `concurrency` at a time, spread over the gateways: their statuses. The
     * operation is the cheapest the gateway answers (no subgraph fetch): only the counting is measured.
     */
    async function flood(token: Record<string, string>, requests: number, concurrency: number, urls: string[]) {
      const statuses: number[] = [];
      let next = 0;
      const worker = async () => {
        while (next < requests) {
          const url = urls[next++ % urls.length]!;
          statuses.push((await post(url, JSON.stringify({ query: '{ __typename }' }), token)).status);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return statuses;
    }

    it('costs far fewer SQL statements than requests, concurrent requests of a token included', async () => {
      const token = stack.as(await stack.token('staff@wrk.demo', { agent: 'frequent', scopes: ['identity:read'] }));
      const before = await writes();
      const statuses = await flood(token, 200, 8, [gateways[0]!.url]);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      // A lease of LARGE / 100 points at a time: about 200 / 10 upserts, where counting each request took 200.
      expect((await writes()) - before).toBeLessThanOrEqual(200 / 5);
    });

    it('lets two processes sharing a token admit no more than the limit, and at most 2 leases fewer', async () => {
      const token = stack.as(await stack.token('staff@wrk.demo', { agent: 'shared', scopes: ['identity:read'] }));
      const statuses = await flood(
        token,
        LARGE + 100,
        8,
        gateways.map((gateway) => gateway.url),
      );
      const admitted = statuses.filter((status) => status === 200).length;
      expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
      expect(admitted).toBeLessThanOrEqual(LARGE);
      expect(admitted).toBeGreaterThanOrEqual(LARGE - 2 * (LARGE / 100));
    });
  });
});
