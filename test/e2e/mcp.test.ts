import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { databaseKinds } from '../support/databases.ts';
import { subgraphFetches } from '../support/instrumentation.ts';
import { loadOperations } from '@wrk/gateway/mcp/operations';
import { startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.ts';

/**
 * The MCP endpoint with the SDK's own client over streamable HTTP: tools are the curated operations the token's
 * scopes reach, a call is a GraphQL operation through the gateway's pipeline, arguments are checked before anything runs.
 */
const AGENT_SCOPES = ['core:read'];

const mcpUrl = (stack: TestStack) => new URL(stack.gatewayUrl.replace(/\/graphql$/, '/mcp'));

async function connect(stack: TestStack, token: string): Promise<Client> {
  const client = new Client({ name: 'wrk-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl(stack), { requestInit: { headers: stack.as(token) } }));
  return client;
}

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (Array.isArray(result.content) ? result.content : []).map((c: { text?: string }) => c.text ?? '').join('\n');

describe.each(databaseKinds())('MCP endpoint on %s Postgres', (kind) => {
  let stack: TestStack;
  let agent: Client;
  let agentToken: string;

  beforeAll(async () => {
    // The production default: agent tokens run only manifest operations (MCP tools are manifest operations).
    const before = process.env.WRK_TRUSTED_ONLY;
    process.env.WRK_TRUSTED_ONLY = 'agents';
    process.env.WRK_MCP_SCHEMA_TOOLS = 'on';
    stack = await startTestStack(kind);
    process.env.WRK_TRUSTED_ONLY = before;
    delete process.env.WRK_MCP_SCHEMA_TOOLS;
    agentToken = await stack.token('staff@wrk.demo', { agent: 'mcp-reader', scopes: AGENT_SCOPES });
    agent = await connect(stack, agentToken);
  });
  afterAll(async () => {
    await agent?.close();
    await stack?.stop();
  });

  it('refuses a caller without a bearer token with 401 and a Bearer challenge', async () => {
    const response = await fetch(mcpUrl(stack), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="wrk"/);
  });

  it('lists only the tools within the token scopes, with draft-07 input schemas and hints', async () => {
    const { tools } = await agent.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['FindPeople', 'FindOrganizations', 'FindProjects']));
    // Documents need files:read, runs agents:read, writes a write scope: none of those are the agent's.
    expect(names).not.toContain('SearchDocuments');
    expect(names).not.toContain('GetRun');
    expect(names).not.toContain('UpdateContract');
    // The discovery tools are for callers allowed to introspect.
    expect(names).not.toContain('search_schema');
    expect(names).not.toContain('validate');
    const findPeople = tools.find((t) => t.name === 'FindPeople');
    expect(findPeople?.annotations?.readOnlyHint).toBe(true);
    expect(findPeople?.description).toMatch(/people/i);
    expect(findPeople?.inputSchema.properties).toMatchObject({ search: { type: 'string' }, first: { type: 'integer' } });
    expect(findPeople?.outputSchema?.properties?.people).toMatchObject({
      type: 'object',
      properties: {
        totalCount: { type: 'integer' },
        nodes: { type: 'array', items: { properties: { email: { type: ['string', 'null'] } } } },
      },
    });
    expect(JSON.stringify(tools)).not.toMatch(/\$ref|\$schema|"format"/);
  });

  it('a staff token sees more tools, mutations among them with their hints', async () => {
    const staff = await connect(stack, await stack.token('staff@wrk.demo'));
    try {
      const { tools } = await staff.listTools();
      const agentTools = (await agent.listTools()).tools;
      expect(tools.length).toBeGreaterThan(agentTools.length);
      const update = tools.find((t) => t.name === 'UpdateContract');
      expect(update?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
      expect(update?.inputSchema.required).toEqual(['id', 'input']);
      const input = update?.inputSchema.properties?.input;
      expect(input).toMatchObject({ type: 'object', properties: { status: { type: 'string', enum: expect.arrayContaining(['ACTIVE']) } } });
    } finally {
      await staff.close();
    }
  });

  it('calls a read tool through the gateway and gets structured content', async () => {
    const result = await agent.callTool({ name: 'FindPeople', arguments: { first: 5 } });
    expect(result.isError).toBeFalsy();
    const people = (result.structuredContent as { people: { totalCount: number; nodes: { id: string }[] } }).people;
    expect(people.nodes.length).toBeGreaterThan(0);
    expect(people.nodes.every((p) => p.id.startsWith('per_'))).toBe(true);
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
  });

  it('refuses invalid arguments before anything runs, naming the argument', async () => {
    const before = subgraphFetches.count;
    const wrongType = await agent.callTool({ name: 'FindPeople', arguments: { first: 'ten' } });
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/first/);
    const unknown = await agent.callTool({ name: 'FindPeople', arguments: { surname: 'x' } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/surname/);
    const missing = await agent.callTool({ name: 'FindContracts', arguments: { status: ['NOT_A_STATUS'] } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/status/);
    expect(subgraphFetches.count).toBe(before);
  });

  it('refuses a tool outside the token scopes with 403 insufficient_scope, running nothing', async () => {
    const before = subgraphFetches.count;
    await expect(agent.callTool({ name: 'SearchDocuments', arguments: { query: 'contract' } })).rejects.toThrow(
      /Insufficient scope: this tool needs files:read/,
    );
    const response = await fetch(mcpUrl(stack), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...stack.as(agentToken) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'SearchDocuments', arguments: { query: 'x' } } }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    expect(response.headers.get('www-authenticate')).toMatch(/scope="files:read"/);
    expect(subgraphFetches.count).toBe(before);
  });

  it('a trusted-only agent token runs a manifest operation by ID and is refused a free-form document', async () => {
    const findPeople = loadOperations().find((o) => o.name === 'FindPeople');
    const post = (body: Record<string, unknown>) =>
      fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...stack.as(agentToken) },
        body: JSON.stringify(body),
      }).then(async (r) => (await r.json()) as Omit<GraphQLResponse<{ people: { nodes: unknown[] } }>, 'status'>);
    const byHash = await post({ variables: { first: 2 }, extensions: { persistedQuery: { version: 1, sha256Hash: findPeople?.id } } });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data?.people.nodes).toHaveLength(2);
    const byDocumentId = await post({ documentId: findPeople?.id, variables: { first: 1 } });
    expect(byDocumentId.data?.people.nodes).toHaveLength(1);
    const freeForm = await post({ query: '{ people(first: 1) { nodes { id } } }' });
    expect(freeForm.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_REQUIRED']);
    expect(freeForm.data ?? null).toBeNull();
    const unknown = await post({ documentId: 'f'.repeat(64) });
    expect(unknown.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    // A staff token keeps free-form documents (the explorer).
    const staff = await stack.graphql('{ people(first: 1) { nodes { id } } }', {}, stack.as(await stack.token('staff@wrk.demo')));
    expect(staff.errors).toBeUndefined();
  });

  it('discovery tools (WRK_MCP_SCHEMA_TOOLS=on): search_schema answers minified SDL, validate really validates', async () => {
    const staff = await connect(stack, await stack.token('staff@wrk.demo'));
    try {
      const { tools } = await staff.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['search_schema', 'validate']));
      const search = await staff.callTool({ name: 'search_schema', arguments: { query: 'contract' } });
      expect(textOf(search)).toMatch(/^type Contract\{id:ID! title:String!/m);
      expect(textOf(search)).not.toMatch(/\n\s*\n|"""/);
      const good = await staff.callTool({ name: 'validate', arguments: { document: '{ contracts { nodes { id title } } }' } });
      expect(good.structuredContent).toEqual({ valid: true, errors: [] });
      const bad = await staff.callTool({ name: 'validate', arguments: { document: '{ contracts { nodes { id nope } } }' } });
      expect(bad.structuredContent).toMatchObject({ valid: false, errors: [expect.stringMatching(/nope/)] });
      const unparsable = await staff.callTool({ name: 'validate', arguments: { document: '{ contracts { ' } });
      expect(unparsable.structuredContent).toMatchObject({ valid: false });
    } finally {
      await staff.close();
    }
  });

  it('an unknown tool is a tool error', async () => {
    const result = await agent.callTool({ name: 'DropEverything', arguments: {} });
    expect(result.isError).toBe(true);
  });
});
