import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { Ajv, type ValidateFunction } from 'ajv';
import type { GraphQLSchema } from 'graphql';
import type { Claims } from '@wrk/platform';
import { inputSchemaOf, type JsonSchema } from './inputSchema.ts';
import { outputSchemaOf, type OutputSchema } from './outputSchema.ts';
import type { CuratedOperation } from './operations.ts';
import { isTraceOperation } from './runs.ts';

/** A tool as one kind of caller sees it: its description and schemas, and the check of its arguments. */
export interface ToolVariant {
  tool: Tool;
  validate: ValidateFunction;
}

export interface CuratedTool {
  operation: CuratedOperation;
  /** Whether an agent's call is traced as a step of a run (all but the run's own trace tools). */
  traced: boolean;
  staff: ToolVariant;
  /** With `runId` (and, for writes, `sourceRefs`) for agents' traced calls. */
  agent: ToolVariant;
}

export const variantFor = (tool: CuratedTool, claims: Claims) => (claims.kind === 'agent' ? tool.agent : tool.staff);

/** The arguments the MCP layer takes for itself from an agent's call; they never reach the operation's variables. */
export const RUN_ARGUMENT = 'runId';
export const SOURCES_ARGUMENT = 'sourceRefs';

const RUN_ID: JsonSchema = {
  type: 'string',
  pattern: '^run_[0-9a-z]{6,32}$',
  description: 'The run this call belongs to (one of your open runs); left out, the call joins the run WRK keeps open for your token.',
};

const SOURCE_REFS: JsonSchema = {
  type: 'array',
  description:
    'Required for this write: what it is based on, each a WRK entity or Box item you can see (e.g. ctr_…, box_…), with an optional quote and retrievedAt (ISO 8601).',
  items: {
    type: 'object',
    properties: { id: { type: 'string' }, quote: { type: 'string' }, retrievedAt: { type: 'string' } },
    required: ['id'],
    additionalProperties: false,
  },
};

/** What an agent's write that waits for a person's decision answers instead of its data. */
const APPROVAL: OutputSchema = {
  type: 'object',
  description: 'Set when the change waits for a person: it is applied once approved in the approvals inbox; do not retry it.',
  properties: { id: { type: 'string' }, status: { type: 'string', enum: ['PENDING'] }, reason: { type: 'string' } },
  required: ['id', 'status', 'reason'],
};

function hintsOf(operation: CuratedOperation): Tool['annotations'] {
  if (operation.type === 'query') return { readOnlyHint: true, openWorldHint: false };
  return {
    readOnlyHint: false,
    destructiveHint: !operation.name.startsWith('Start'),
    idempotentHint: operation.name.startsWith('Update'),
    openWorldHint: false,
  };
}

function variant(ajv: Ajv, operation: CuratedOperation, input: JsonSchema, output: OutputSchema): ToolVariant {
  const tool: Tool = {
    name: operation.name,
    description: operation.description,
    inputSchema: { ...input, type: 'object' },
    outputSchema: { ...output, type: 'object' },
    annotations: hintsOf(operation),
  };
  return { tool, validate: ajv.compile(input) };
}

/** An agent's traced call also takes its run and, for a write, its sources; a write may answer with an approval instead. */
function agentVariant(ajv: Ajv, operation: CuratedOperation, input: JsonSchema, output: OutputSchema): ToolVariant {
  const own = Object.keys(input.properties ?? {});
  const taken = own.filter((name) => name === RUN_ARGUMENT || name === SOURCES_ARGUMENT);
  if (taken.length) throw new Error(`${operation.name}: the variables ${taken.join(', ')} are the MCP layer's own arguments`);
  const write = operation.type === 'mutation';
  const properties = { ...input.properties, [RUN_ARGUMENT]: RUN_ID, ...(write && { [SOURCES_ARGUMENT]: SOURCE_REFS }) };
  const held = write ? { properties: { ...(output.properties ?? {}), approval: APPROVAL }, required: [] } : {};
  return variant(ajv, operation, { ...input, properties }, { ...output, ...held });
}

/** One tool per curated operation: its input schema from the variables, hints from query vs mutation. */
export function curatedTools(operations: CuratedOperation[], schema: GraphQLSchema): Map<string, CuratedTool> {
  const ajv = new Ajv({ allErrors: true });
  const tools = new Map<string, CuratedTool>();
  for (const operation of operations) {
    const input = inputSchemaOf(operation.operation, schema);
    const output = outputSchemaOf(operation.operation, schema);
    const traced = !isTraceOperation(operation);
    const staff = variant(ajv, operation, input, output);
    tools.set(operation.name, { operation, traced, staff, agent: traced ? agentVariant(ajv, operation, input, output) : staff });
  }
  return tools;
}
