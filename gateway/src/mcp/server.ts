import type { ApolloServer } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Request, Response } from 'express';
import { parse, type GraphQLSchema } from 'graphql';
import { describeRequirement, logger, mayIntrospect, scopeIndex, type Claims } from '@wrk/platform';
import { SCHEMA_TOOLS, schemaToolsEnabled, searchSchema, validateDocument } from './schemaTools.ts';
import type { GatewayContext } from '../context.ts';
import { violationsIn } from '../scopes.ts';
import { inputSchemaOf } from './inputSchema.ts';
import { outputSchemaOf } from './outputSchema.ts';
import type { CuratedOperation } from './operations.ts';

export const MCP_PATH = '/mcp';

interface CuratedTool {
  operation: CuratedOperation;
  tool: Tool;
  validate: ValidateFunction;
}

/** One tool per curated operation: its input schema from the variables, hints from query vs mutation. */
function curatedTools(operations: CuratedOperation[], schema: GraphQLSchema): Map<string, CuratedTool> {
  const ajv = new Ajv({ allErrors: true });
  const tools = new Map<string, CuratedTool>();
  for (const operation of operations) {
    const inputSchema = inputSchemaOf(operation.operation, schema);
    const readOnly = operation.type === 'query';
    const tool: Tool = {
      name: operation.name,
      description: operation.description,
      inputSchema: { ...inputSchema, type: 'object' },
      outputSchema: { ...outputSchemaOf(operation.operation, schema), type: 'object' },
      annotations: readOnly
        ? { readOnlyHint: true, openWorldHint: false }
        : {
            readOnlyHint: false,
            destructiveHint: !operation.name.startsWith('Start'),
            idempotentHint: operation.name.startsWith('Update'),
            openWorldHint: false,
          },
    };
    tools.set(operation.name, { operation, tool, validate: ajv.compile(inputSchema) });
  }
  return tools;
}

const describeArgumentErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? [])
    .map((e) => {
      const at = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : 'arguments';
      const detail = e.keyword === 'additionalProperties' ? `unknown argument ${String(e.params.additionalProperty)}` : e.message;
      return `${at}: ${detail}`;
    })
    .join('; ');

const toolError = (text: string, structured?: Record<string, unknown>): CallToolResult => ({
  isError: true,
  content: [{ type: 'text', text }],
  ...(structured && { structuredContent: structured }),
});

interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const isGraphQLResult = (value: unknown): value is GraphQLResult => typeof value === 'object' && value !== null;

export interface McpOptions {
  apollo: ApolloServer<GatewayContext>;
  supergraphSdl: string;
  schema: GraphQLSchema;
  operations: CuratedOperation[];
}

/**
 * The MCP endpoint: stateless streamable HTTP, one server and transport per request, for a caller whose token the
 * gateway's guard has already checked and counted. A tool call runs its curated operation through Apollo Server's
 * executeHTTPGraphQLRequest with the caller's claims as context: the same plugins as /graphql (scopes, operation
 * limits, introspection policy, trusted documents) and the same signed claims to the subgraphs.
 */
export function mcpHandler(options: McpOptions) {
  const index = scopeIndex(parse(options.supergraphSdl));
  const tools = curatedTools(options.operations, options.schema);
  const missingFor = (tool: CuratedTool, claims: Claims) => violationsIn(tool.operation.document, options.schema, index, claims.scopes);

  async function execute(tool: CuratedTool, args: Record<string, unknown>, claims: Claims): Promise<GraphQLResult> {
    const headers = new HeaderMap([['content-type', 'application/json']]);
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: 'POST',
        headers,
        search: '',
        body: { query: tool.operation.body, operationName: tool.operation.name, variables: args },
      },
      context: async () => ({ claims }),
    });
    if (response.body.kind !== 'complete') throw new Error('an incremental GraphQL response is not expected from a curated operation');
    const parsed: unknown = JSON.parse(response.body.string);
    if (!isGraphQLResult(parsed)) throw new Error('the GraphQL response is not an object');
    return parsed;
  }

  const schemaTools = schemaToolsEnabled(process.env) ? SCHEMA_TOOLS : [];
  const validateSchemaTool = new Map(schemaTools.map((tool) => [tool.name, new Ajv({ allErrors: true }).compile(tool.inputSchema)]));

  function callSchemaTool(name: string, args: Record<string, unknown>, claims: Claims): CallToolResult {
    const check = validateSchemaTool.get(name);
    if (!check?.(args)) return toolError(`Invalid arguments: ${describeArgumentErrors(check?.errors)}`);
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

  function mcpServer(claims: Claims): Server {
    const server = new Server({ name: 'wrk', version: '2.0.0' }, { capabilities: { tools: {} } });
    const discovery = mayIntrospect(claims) ? schemaTools : [];
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [...[...tools.values()].filter((tool) => missingFor(tool, claims).length === 0).map((t) => t.tool), ...discovery],
    }));
    server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
      if (discovery.some((t) => t.name === params.name)) return callSchemaTool(params.name, params.arguments ?? {}, claims);
      const tool = tools.get(params.name);
      if (!tool || missingFor(tool, claims).length) return toolError(`Unknown tool ${params.name}`);
      const args = params.arguments ?? {};
      if (!tool.validate(args)) return toolError(`Invalid arguments: ${describeArgumentErrors(tool.validate.errors)}`);
      const result = await execute(tool, args, claims);
      if (result.errors?.length) {
        const text = result.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('\n');
        return toolError(text, { data: result.data ?? null, errors: result.errors });
      }
      const data = result.data ?? {};
      return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
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
