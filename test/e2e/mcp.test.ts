import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';
import { DEMO } from '@wrk/demo';
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

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

/** The run and step a traced call names in its result's `_meta`. */
const traceOf = (result: ToolResult) => ({ runId: result._meta?.['wrk/runId'], stepId: result._meta?.['wrk/stepId'] });

const RUN_TRACE = `query ($id: ID!) {
  agentRun(id: $id) {
    id agentName status
    steps { id stepIndex tool status input output durationMs sourceRefs { id } }
    touched { entityId action }
  }
}`;

interface TracedRun {
  id: string;
  agentName: string;
  status: string;
  steps: {
    id: string;
    stepIndex: number;
    tool: string;
    status: string;
    input: Record<string, unknown>;
    output: Record<string, unknown>;
    durationMs: number;
    sourceRefs: { id: string }[];
  }[];
  touched: { entityId: string; action: string }[];
}

const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (Array.isArray(result.content) ? result.content : []).map((c: { text?: string }) => c.text ?? '').join('\n');

describe.each(databaseKinds())('MCP endpoint on %s Postgres', (kind) => {
  let stack: TestStack;
  let agent: Client;
  let agentToken: string;

  beforeAll(async () => {
    // The frontend deployment's setting: agent and staff tokens run only manifest operations (MCP tools are
    // manifest operations), except the explorer's users, here admins.
    const before = process.env.WRK_TRUSTED_ONLY;
    process.env.WRK_TRUSTED_ONLY = 'agents,staff';
    process.env.WRK_EXPLORER_USERS = 'role:admin';
    process.env.WRK_MCP_SCHEMA_TOOLS = 'on';
    stack = await startTestStack(kind);
    process.env.WRK_TRUSTED_ONLY = before;
    delete process.env.WRK_EXPLORER_USERS;
    delete process.env.WRK_MCP_SCHEMA_TOOLS;
    agentToken = await stack.token('staff@wrk.demo', { agent: 'mcp-reader', scopes: AGENT_SCOPES });
    agent = await connect(stack, agentToken);
  });
  afterAll(async () => {
    await agent?.close();
    await stack?.stop();
  });

  const postAs = (body: Record<string, unknown>, headers: Record<string, string>) =>
    fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(async (r) => (await r.json()) as Omit<GraphQLResponse<{ people: { nodes: unknown[] } }>, 'status'>);

  /** A run as an analyst reads it in the explorer (the agent reading only core cannot). */
  const runOf = async (runId: unknown) => {
    const adminToken = await stack.token('admin@wrk.demo');
    const read = await stack.graphql<{ agentRun: TracedRun | null }>(RUN_TRACE, { id: runId }, stack.as(adminToken));
    expect(read.errors).toBeUndefined();
    return read.data?.agentRun;
  };

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
    const post = (body: Record<string, unknown>) => postAs(body, stack.as(agentToken));
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
  });

  it('staff are trusted-only in this deployment, by POST and by GET, while its explorer users (admins) keep free-form documents', async () => {
    const findPeople = loadOperations().find((o) => o.name === 'FindPeople');
    const staff = stack.as(await stack.token('staff@wrk.demo'));
    const freeForm = await stack.graphql('{ people(first: 1) { nodes { id } } }', {}, staff);
    expect(freeForm.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_REQUIRED']);
    const byId = await postAs({ documentId: findPeople?.id, variables: { first: 1 } }, staff);
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.people.nodes).toHaveLength(1);
    const admin = await stack.graphql<{ people: { nodes: unknown[] } }>(
      '{ people(first: 1) { nodes { id } } }',
      {},
      stack.as(await stack.token('admin@wrk.demo')),
    );
    expect(admin.errors).toBeUndefined();
    expect(admin.data?.people.nodes).toHaveLength(1);

    // GET: a persisted document by its ID is served; a free-form one is not, to a trusted-only caller.
    const get = async (params: Record<string, string>) => {
      const url = new URL(stack.gatewayUrl);
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      const response = await fetch(url, { headers: { ...staff, accept: 'application/json', 'apollo-require-preflight': 'true' } });
      return (await response.json()) as Omit<GraphQLResponse<{ people: { nodes: unknown[] } }>, 'status'>;
    };
    const gotById = await get({ documentId: findPeople?.id ?? '', variables: JSON.stringify({ first: 2 }) });
    expect(gotById.errors).toBeUndefined();
    expect(gotById.data?.people.nodes).toHaveLength(2);
    const gotFreeForm = await get({ query: '{ people(first: 1) { nodes { id } } }' });
    expect(gotFreeForm.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_REQUIRED']);
    const gotUnknown = await get({ documentId: 'f'.repeat(64) });
    expect(gotUnknown.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
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
  describe('every call of an agent is traced as a step of a run', () => {
    it('a call naming no run opens one, the next call of the same token joins it, and each call is a step', async () => {
      const first = await agent.callTool({ name: 'FindPeople', arguments: { first: 2 } });
      const second = await agent.callTool({ name: 'FindOrganizations', arguments: { first: 1 } });
      expect(first.isError).toBeFalsy();
      const { runId, stepId } = traceOf(first);
      expect(runId).toMatch(/^run_/);
      expect(stepId).toMatch(/^stp_/);
      expect(traceOf(second).runId).toBe(runId);
      const run = await runOf(runId);
      expect(run).toMatchObject({ agentName: 'mcp-reader', status: 'RUNNING' });
      const people = (first.structuredContent as { people: { nodes: { id: string }[]; totalCount: number } }).people;
      const [step, next] = run?.steps.slice(-2) ?? [];
      expect(step).toMatchObject({
        id: stepId,
        tool: 'FindPeople',
        status: 'SUCCEEDED',
        input: { first: 2 },
        output: { data: { people: { count: 2, totalCount: people.totalCount } } },
        // What the call read: the entities of its answer.
        sourceRefs: people.nodes.map(({ id }) => ({ id })),
      });
      expect(step?.durationMs).toBeGreaterThanOrEqual(0);
      expect(next).toMatchObject({ tool: 'FindOrganizations', stepIndex: (step?.stepIndex ?? 0) + 1 });
    });

    it("a new token's first calls, made at once, open one run between them", async () => {
      const parallel = await connect(stack, await stack.token('staff@wrk.demo', { agent: 'mcp-parallel', scopes: AGENT_SCOPES }));
      try {
        const calls = await Promise.all([1, 2, 3].map((first) => parallel.callTool({ name: 'FindPeople', arguments: { first } })));
        const runs = new Set(calls.map((call) => traceOf(call).runId));
        expect(runs.size).toBe(1);
        expect((await runOf([...runs][0]))?.steps).toHaveLength(3);
      } finally {
        await parallel.close();
      }
    });

    it('a failed call is a FAILED step with its error codes', async () => {
      const tooMany = await agent.callTool({ name: 'FindPeople', arguments: { first: 100_000 } });
      expect(tooMany.isError).toBe(true);
      const code = /^([A-Z_]+):/.exec(textOf(tooMany))?.[1];
      expect(code).toBeDefined();
      const { runId, stepId } = traceOf(tooMany);
      const step = (await runOf(runId))?.steps.find((s) => s.id === stepId);
      // Nothing was read: the step cites its run.
      expect(step).toMatchObject({
        tool: 'FindPeople',
        status: 'FAILED',
        input: { first: 100_000 },
        output: { errors: [expect.objectContaining({ code })] },
        sourceRefs: [{ id: runId }],
      });
    });

    it("a call naming a run that is not the agent's own open run is refused before anything runs, and leaves no step", async () => {
      const other = await connect(stack, await stack.token('staff@wrk.demo', { agent: 'mcp-other', scopes: AGENT_SCOPES }));
      try {
        const theirs = traceOf(await other.callTool({ name: 'FindPeople', arguments: { first: 1 } })).runId;
        const stepsBefore = (await runOf(theirs))?.steps.length;
        const before = subgraphFetches.count;
        for (const call of [
          { name: 'FindPeople', arguments: { first: 1, runId: theirs } },
          { name: 'FindPeople', arguments: { first: 1 }, _meta: { 'wrk/runId': theirs } },
          { name: 'FindPeople', arguments: { first: 1, runId: DEMO.agentRuns.review } },
          { name: 'FindPeople', arguments: { first: 1, runId: 'run_doesnotexist1' } },
        ]) {
          const refused = await agent.callTool(call);
          expect(refused.isError).toBe(true);
          expect(textOf(refused)).toMatch(/runId: must name an open run started with this agent token/);
          expect(refused.structuredContent).toBeUndefined();
        }
        const disagreeing = await agent.callTool({
          name: 'FindPeople',
          arguments: { first: 1, runId: theirs },
          _meta: { 'wrk/runId': 'run_doesnotexist1' },
        });
        expect(textOf(disagreeing)).toMatch(/different runs/);
        const malformed = await agent.callTool({ name: 'FindPeople', arguments: { first: 1, runId: 'ctr_demoacmemsa0001' } });
        expect(textOf(malformed)).toMatch(/runId/);
        expect(subgraphFetches.count).toBe(before);
        expect((await runOf(theirs))?.steps.length).toBe(stepsBefore);
      } finally {
        await other.close();
      }
    });

    it("a staff caller's calls are not traced", async () => {
      const staff = await connect(stack, await stack.token('staff@wrk.demo'));
      try {
        const result = await staff.callTool({ name: 'FindPeople', arguments: { first: 1 } });
        expect(result.isError).toBeFalsy();
        expect(result._meta?.['wrk/runId']).toBeUndefined();
        const { tools } = await staff.listTools();
        expect(tools.find((t) => t.name === 'FindPeople')?.inputSchema.properties).not.toHaveProperty('runId');
      } finally {
        await staff.close();
      }
    });
  });

  describe('an agent writing through MCP', () => {
    let writer: Client;
    let runId: string;
    let db: pg.Client;
    const SOURCES = [{ id: DEMO.boxItems.acmeMsaFile, quote: 'The term ends on 31 December 2026.' }];

    beforeAll(async () => {
      const token = await stack.token('staff@wrk.demo', {
        agent: 'mcp-writer',
        scopes: ['core:read', 'core:write', 'files:read', 'agents:read', 'agents:write'],
      });
      writer = await connect(stack, token);
      // Listed first, so that the SDK client checks every structured result against the tool's output schema.
      const { tools } = await writer.listTools();
      const update = tools.find((t) => t.name === 'UpdateContract');
      expect(update?.inputSchema.properties).toMatchObject({ runId: { type: 'string' }, sourceRefs: { type: 'array' } });
      expect(tools.find((t) => t.name === 'StartRun')?.inputSchema.properties).not.toHaveProperty('runId');
      const started = await writer.callTool({
        name: 'StartRun',
        arguments: { input: { model: 'test-model', task: 'Review the Acme MSA' } },
      });
      expect(started.isError).toBeFalsy();
      runId = (started.structuredContent as { startRun: { id: string } }).startRun.id;
      // The run's own trace tools are not steps of it.
      expect(traceOf(started).runId).toBeUndefined();
      db = new pg.Client({ connectionString: stack.database.url });
      await db.connect();
    });
    afterAll(async () => {
      await db?.end();
      await writer?.close();
    });

    it('a write without sources, or citing one the agent cannot see, is refused with the provenance codes and writes nothing', async () => {
      const bare = await writer.callTool({
        name: 'LinkEntities',
        arguments: { from: DEMO.people.ada, to: DEMO.projects.platform, linkType: 'mcp_bare', runId },
      });
      expect(bare.isError).toBe(true);
      expect(textOf(bare)).toMatch(/^PROVENANCE_REQUIRED: .*sourceRefs/);
      const hidden = await writer.callTool({
        name: 'LinkEntities',
        arguments: {
          from: DEMO.people.ada,
          to: DEMO.projects.platform,
          linkType: 'mcp_hidden',
          runId,
          sourceRefs: [{ id: 'ctr_doesnotexist1' }],
        },
      });
      expect(hidden.isError).toBe(true);
      expect(textOf(hidden)).toMatch(/^NOT_FOUND: /);
      const links = await db.query(`SELECT 1 FROM core.entity_links WHERE link_type IN ('mcp_bare', 'mcp_hidden')`);
      expect(links.rows).toEqual([]);
      const steps = (await runOf(runId))?.steps.filter((s) => s.tool === 'LinkEntities');
      expect(steps?.map((s) => [s.status, s.output])).toEqual([
        ['FAILED', { errors: [expect.objectContaining({ code: 'PROVENANCE_REQUIRED' })] }],
        ['FAILED', { errors: [expect.objectContaining({ code: 'NOT_FOUND' })] }],
      ]);
    });

    it('a sensitive write lands in the approval inbox: the tool result names the approval, the contract is unchanged', async () => {
      const result = await writer.callTool({
        name: 'UpdateContract',
        arguments: { id: DEMO.contracts.acmeMsa, input: { title: 'Acme MSA (renewed by MCP)' }, runId, sourceRefs: SOURCES },
      });
      expect(result.isError).toBeFalsy();
      const approval = (result.structuredContent as { approval: { id: string; status: string; reason: string } }).approval;
      expect(approval).toMatchObject({ id: expect.stringMatching(/^apr_/), status: 'PENDING', reason: 'CONTRACT_CHANGE' });
      expect(textOf(result)).toMatch(new RegExp(`approval \\(${approval.id}\\).*do not retry`));
      expect(traceOf(result).runId).toBe(runId);

      const staff = stack.as(await stack.token('admin@wrk.demo'));
      const inbox = await stack.graphql<{
        approvals: { nodes: { id: string; operationName: string; run: { id: string }; sourceRefs: { id: string }[] }[] };
      }>(
        `query ($target: ID) { approvals(status: PENDING, targetId: $target) { nodes { id operationName run { id } sourceRefs { id } } } }`,
        { target: DEMO.contracts.acmeMsa },
        staff,
      );
      expect(inbox.data?.approvals.nodes).toContainEqual({
        id: approval.id,
        operationName: expect.stringMatching(/^UpdateContract/),
        run: { id: runId },
        sourceRefs: [{ id: DEMO.boxItems.acmeMsaFile }],
      });
      const contract = await writer.callTool({ name: 'GetContract', arguments: { id: DEMO.contracts.acmeMsa, runId } });
      expect((contract.structuredContent as { contract: { title: string } }).contract.title).not.toMatch(/renewed by MCP/);
    });

    it('a write the gate does not hold applies, its audit row naming the run and the sources', async () => {
      const result = await writer.callTool({
        name: 'LinkEntities',
        arguments: { from: DEMO.people.ada, to: DEMO.projects.platform, linkType: 'mcp_reviewed', runId, sourceRefs: SOURCES },
      });
      expect(result.isError).toBeFalsy();
      const link = (result.structuredContent as { createEntityLink: { id: string } }).createEntityLink;
      const audit = await db.query<{ run_id: string; source_refs: unknown; actor: string }>(
        `SELECT run_id, source_refs, actor FROM platform.audit_logs WHERE entity_id = $1`,
        [link.id],
      );
      expect(audit.rows).toEqual([{ run_id: runId, source_refs: SOURCES, actor: 'agent:mcp-writer' }]);
    });

    it('the run with its steps is queryable afterwards through the graph (GetRun, as the agent)', async () => {
      const read = await writer.callTool({ name: 'GetRun', arguments: { id: runId, runId } });
      expect(read.isError).toBeFalsy();
      const run = (
        read.structuredContent as {
          agentRun: {
            status: string;
            steps: { tool: string; status: string }[];
            approvals: { id: string }[];
            touched: { action: string }[];
          };
        }
      ).agentRun;
      expect(run.status).toBe('RUNNING');
      expect(run.steps.map((s) => [s.tool, s.status])).toEqual([
        ['LinkEntities', 'FAILED'],
        ['LinkEntities', 'FAILED'],
        ['UpdateContract', 'SUCCEEDED'],
        ['GetContract', 'SUCCEEDED'],
        ['LinkEntities', 'SUCCEEDED'],
      ]);
      expect(run.approvals).toHaveLength(1);
      // What the run wrote: the link only (the contract change waits for its approval).
      expect(run.touched.map((t) => t.action)).toEqual(['create']);
      const steps = (await runOf(runId))?.steps ?? [];
      const update = steps.find((s) => s.tool === 'UpdateContract');
      expect(update).toMatchObject({
        input: { id: DEMO.contracts.acmeMsa, input: { title: 'Acme MSA (renewed by MCP)' }, sourceRefs: SOURCES },
        output: { approval: { id: run.approvals[0]?.id, reason: 'CONTRACT_CHANGE' } },
        sourceRefs: [{ id: DEMO.boxItems.acmeMsaFile }],
      });
      // The GetRun call itself is the next step.
      expect(traceOf(read).stepId).toBe((await runOf(runId))?.steps.at(-1)?.id);
    });
  });
});
