import type { ApolloServer } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Ajv, type ErrorObject } from 'ajv';
import type { Request, Response } from 'express';
import { parse, type GraphQLSchema } from 'graphql';
import { describeRequirement, logger, mayIntrospect, scopeIndex, type Claims } from '@wrk/platform';
import { SCHEMA_TOOLS, schemaToolsEnabled, searchSchema, validateDocument } from './schemaTools.ts';
import type { GatewayContext } from '../context.ts';
import { violationsIn } from '../scopes.ts';
import type { ProvenanceCheck } from '../provenance.ts';
import type { CuratedOperation } from './operations.ts';
import {
  entityIdsIn,
  heldForApproval,
  mcpRuns,
  RUN_META,
  RunRefused,
  STEP_META,
  summaryOf,
  type Execute,
  type GraphQLResult,
  type McpRuns,
} from './runs.ts';
import { curatedTools, RUN_ARGUMENT, SOURCES_ARGUMENT, variantFor, type CuratedTool } from './tools.ts';

export const MCP_PATH = '/mcp';

const describeArgumentErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? [])
    .map((e) => {
      const at = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : 'arguments';
      const detail = e.keyword === 'additionalProperties' ? `unknown argument ${String(e.params.additionalProperty)}` : e.message;
      return `${at}: ${detail}`;
    })
    .join('; ');

const toolError = (text: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text }] });

const isGraphQLResult = (value: unknown): value is GraphQLResult => typeof value === 'object' && value !== null;

const isSourceRefs = (value: unknown): value is { id: string; quote?: string; retrievedAt?: string }[] =>
  Array.isArray(value) &&
  value.every((ref: unknown) => typeof ref === 'object' && ref !== null && 'id' in ref && typeof ref.id === 'string');

/**
 * A GraphQL answer as a tool result. Data is the structured content; an agent's write held for approval is a
 * result too (not an error: the proposal was taken, and retrying would propose it again), its structured content
 * the approval; errors are tool errors with their codes in the text (no structured content: it would not match
 * the tool's output schema). For MCP, the provenance extension's fields are named as the tool's arguments.
 */
function toolResultOf(result: GraphQLResult): CallToolResult {
  const approval = heldForApproval(result);
  if (approval) {
    const text = `Waiting for a person's approval (${approval.id}): ${approval.reason}. It is applied once approved; do not retry it.`;
    return { content: [{ type: 'text', text }], structuredContent: { approval: { ...approval, status: 'PENDING' } } };
  }
  if (result.errors?.length) {
    return toolError(
      result.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message.replaceAll('extensions.wrk.', '')}`).join('\n'),
    );
  }
  const data = result.data ?? {};
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

export interface McpOptions {
  apollo: ApolloServer<GatewayContext>;
  supergraphSdl: string;
  schema: GraphQLSchema;
  operations: CuratedOperation[];
  /** The gateway's check of an agent's run and sources (also used for the runs MCP calls are traced in). */
  checkProvenance: ProvenanceCheck;
}

const operationNamed = (operations: CuratedOperation[], name: string) => {
  const operation = operations.find((o) => o.name === name);
  if (!operation) throw new Error(`the curated operation ${name} is missing: MCP calls are traced with it`);
  return operation;
};

/** The run an agent's call names: its `runId` argument, or `_meta` `wrk/runId`; both given, they must agree. */
function namedRun(args: Record<string, unknown>, meta: Record<string, unknown> | undefined): string | undefined {
  const argument = args[RUN_ARGUMENT];
  const fromMeta = meta?.[RUN_META];
  if (fromMeta !== undefined && typeof fromMeta !== 'string') throw new RunRefused('BAD_USER_INPUT', `_meta ${RUN_META} must be a run ID`);
  if (typeof argument === 'string' && fromMeta !== undefined && fromMeta !== argument) {
    throw new RunRefused('BAD_USER_INPUT', `runId and _meta ${RUN_META} name different runs`);
  }
  return typeof argument === 'string' ? argument : fromMeta;
}

/**
 * An agent's tool call traced as a step of its run: the run is found (or opened) and checked before anything
 * runs; the step records the tool's name, its arguments, a summary of the answer, the duration and the status,
 * all taken by the gateway, and cites what the call was based on — a write's sources, a read's entities, else the run.
 */
async function tracedCall(
  runs: McpRuns,
  claims: Claims,
  call: { name: string; args: Record<string, unknown>; meta: Record<string, unknown> | undefined },
  run: (runId: string) => Promise<{ graphql: GraphQLResult; sources: unknown; result?: CallToolResult }>,
): Promise<CallToolResult> {
  let runId: string;
  try {
    runId = await runs.runFor(claims, namedRun(call.args, call.meta));
  } catch (error) {
    if (error instanceof RunRefused) return toolError(`${error.code}: ${error.message}`);
    throw error;
  }
  const started = performance.now();
  const { graphql, sources, result } = await run(runId);
  const durationMs = Math.round(performance.now() - started);
  const failed = Boolean(graphql.errors?.length) && !heldForApproval(graphql);
  const cited = failed ? [] : isSourceRefs(sources) ? sources : [...entityIdsIn(graphql.data)].map((id) => ({ id }));
  const { [RUN_ARGUMENT]: _run, ...input } = call.args;
  const stepId = await runs.record(claims, runId, {
    tool: call.name,
    input,
    output: summaryOf(graphql),
    status: failed ? 'FAILED' : 'SUCCEEDED',
    durationMs,
    sourceRefs: cited.length ? cited : [{ id: runId }],
  });
  return { ...(result ?? toolResultOf(graphql)), _meta: { [RUN_META]: runId, ...(stepId && { [STEP_META]: stepId }) } };
}

/**
 * The MCP endpoint: stateless streamable HTTP, one server and transport per request, for a caller whose token the
 * gateway's guard has already checked and counted. A tool call runs its curated operation through Apollo Server's
 * executeHTTPGraphQLRequest with the caller's claims as context: the same plugins as /graphql (scopes, operation
 * limits, introspection policy, trusted documents, provenance) and the same signed claims to the subgraphs. An
 * agent's calls are traced as steps of a run (runs.ts); a staff caller's are not (runs are agents'; a person's
 * writes are audited under their own name).
 */
export function mcpHandler(options: McpOptions) {
  const index = scopeIndex(parse(options.supergraphSdl));
  const tools = curatedTools(options.operations, options.schema);
  const missingFor = (tool: CuratedTool, claims: Claims) => violationsIn(tool.operation.document, options.schema, index, claims.scopes);

  const execute: Execute = async (operation, variables, claims, extensions) => {
    const headers = new HeaderMap([['content-type', 'application/json']]);
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: 'POST',
        headers,
        search: '',
        body: { query: operation.body, operationName: operation.name, variables, ...(extensions && { extensions }) },
      },
      context: async () => ({ claims }),
    });
    if (response.body.kind !== 'complete') throw new Error('an incremental GraphQL response is not expected from a curated operation');
    const parsed: unknown = JSON.parse(response.body.string);
    if (!isGraphQLResult(parsed)) throw new Error('the GraphQL response is not an object');
    return parsed;
  };

  const runs = mcpRuns({
    execute,
    checkProvenance: options.checkProvenance,
    startRun: operationNamed(options.operations, 'StartRun'),
    appendStep: operationNamed(options.operations, 'AppendRunStep'),
  });

  const schemaTools = schemaToolsEnabled(process.env) ? SCHEMA_TOOLS : [];
  const validateSchemaTool = new Map(schemaTools.map((tool) => [tool.name, new Ajv({ allErrors: true }).compile(tool.inputSchema)]));

  function callSchemaTool(name: string, args: Record<string, unknown>, claims: Claims): CallToolResult {
    if (name === 'search_schema') {
      const sdl = searchSchema(options.schema, typeof args.query === 'string' ? args.query : '');
      return { content: [{ type: 'text', text: sdl || 'Nothing matches' }] };
    }
    const errors = validateDocument(options.schema, index, claims, typeof args.document === 'string' ? args.document : '');
    return {
      content: [{ type: 'text', text: errors.length ? errors.join('\n') : 'Valid' }],
      structuredContent: { valid: !errors.length, errors },
    };
  }

  async function callCurated(
    tool: CuratedTool,
    args: Record<string, unknown>,
    meta: Record<string, unknown> | undefined,
    claims: Claims,
  ): Promise<CallToolResult> {
    const { operation } = tool;
    if (claims.kind !== 'agent' || !tool.traced) return toolResultOf(await execute(operation, args, claims));
    const { [RUN_ARGUMENT]: _run, [SOURCES_ARGUMENT]: sourceRefs, ...variables } = args;
    return tracedCall(runs, claims, { name: operation.name, args, meta }, async (runId) => {
      // A write carries its provenance as any agent's write does: the gateway checks it, the write path records it.
      const extensions = operation.type === 'mutation' ? { wrk: { runId, ...(sourceRefs !== undefined && { sourceRefs }) } } : undefined;
      return { graphql: await execute(operation, variables, claims, extensions), sources: sourceRefs };
    });
  }

  function mcpServer(claims: Claims): Server {
    const server = new Server({ name: 'wrk', version: '2.0.0' }, { capabilities: { tools: {} } });
    const discovery = mayIntrospect(claims) ? schemaTools : [];
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        ...[...tools.values()].filter((tool) => missingFor(tool, claims).length === 0).map((tool) => variantFor(tool, claims).tool),
        ...discovery,
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
      const args = params.arguments ?? {};
      if (discovery.some((t) => t.name === params.name)) {
        const check = validateSchemaTool.get(params.name);
        if (!check?.(args)) return toolError(`Invalid arguments: ${describeArgumentErrors(check?.errors)}`);
        if (claims.kind !== 'agent') return callSchemaTool(params.name, args, claims);
        return tracedCall(runs, claims, { name: params.name, args, meta: params._meta }, async () => {
          const result = callSchemaTool(params.name, args, claims);
          return { graphql: { data: { [params.name]: result.structuredContent ?? null } }, sources: undefined, result };
        });
      }
      const tool = tools.get(params.name);
      if (!tool || missingFor(tool, claims).length) return toolError(`Unknown tool ${params.name}`);
      const { validate } = variantFor(tool, claims);
      if (!validate(args)) return toolError(`Invalid arguments: ${describeArgumentErrors(validate.errors)}`);
      return callCurated(tool, args, params._meta, claims);
    });
    return server;
  }

  /** The scopes missing for a tools/call naming a curated tool the token's scopes do not reach (none otherwise). */
  function insufficientScope(body: unknown, claims: Claims): string[] {
    if (typeof body !== 'object' || body === null || !('method' in body) || body.method !== 'tools/call') return [];
    const name = 'params' in body && typeof body.params === 'object' && body.params && 'name' in body.params ? body.params.name : undefined;
    const tool = typeof name === 'string' ? tools.get(name) : undefined;
    const missing = tool ? missingFor(tool, claims).flatMap((v) => v.missing.map(describeRequirement)) : [];
    return [...new Set(missing)];
  }

  return async (request: Request, response: Response, claims: Claims) => {
    const missing = insufficientScope(request.body, claims);
    if (missing.length) {
      // RFC 6750: `scope` lists what the request needs; a requirement with alternatives is described in words.
      const scope = missing.filter((s) => /^[\w:.-]+$/.test(s)).join(' ');
      const message = `Insufficient scope: this tool needs ${missing.join(' and ')}`;
      response.setHeader(
        'www-authenticate',
        `Bearer realm="wrk", error="insufficient_scope", scope="${scope}", error_description="${message}"`,
      );
      response.status(403).json({ jsonrpc: '2.0', id: null, error: { code: -32001, message } });
      return;
    }
    const server = mcpServer(claims);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request, response, request.body);
    } catch (error) {
      logger.error({ err: error }, 'MCP request failed');
      if (!response.headersSent)
        response.status(500).json({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error' } });
    }
  };
}
