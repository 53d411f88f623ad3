import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import {
  GraphQLError,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  specifiedRules,
  validate,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { describeRequirement, operationLimits, type Claims, type ScopeIndex } from '@wrk/platform';
import { violationsIn } from '../scopes.ts';

/** The optional discovery tools, off unless WRK_MCP_SCHEMA_TOOLS=on, listed only to callers allowed to introspect. */
export const schemaToolsEnabled = (env: NodeJS.ProcessEnv) => env.WRK_MCP_SCHEMA_TOOLS === 'on';

const MAX_TYPES = 12;

export const SCHEMA_TOOLS: Tool[] = [
  {
    name: 'search_schema',
    description: 'Types and fields of the WRK GraphQL schema whose names contain the query, as minified SDL (at most 12 types).',
    inputSchema: {
      type: 'object',
      properties: { query: { type: 'string', minLength: 2 } },
      required: ['query'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: 'validate',
    description: 'Validates a GraphQL document against the WRK schema, its limits and your scopes, without running it.',
    inputSchema: { type: 'object', properties: { document: { type: 'string' } }, required: ['document'], additionalProperties: false },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
];

const argumentsOf = (field: GraphQLField<unknown, unknown>) =>
  field.args.length ? `(${field.args.map((a) => `${a.name}:${a.type.toString()}`).join(',')})` : '';

function minified(type: GraphQLNamedType, matches: (name: string) => boolean): string | null {
  if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type))
    return matches(type.name) ? `scalar-or-enum ${type.name}` : null;
  const fields = isInputObjectType(type)
    ? Object.values(type.getFields()).map((f: GraphQLInputField) => ({ name: f.name, text: `${f.name}:${f.type.toString()}` }))
    : Object.values(type.getFields()).map((f: GraphQLField<unknown, unknown>) => ({
        name: f.name,
        text: `${f.name}${argumentsOf(f)}:${f.type.toString()}`,
      }));
  const shown = matches(type.name) ? fields : fields.filter((f) => matches(f.name));
  if (!shown.length) return null;
  const keyword = isInputObjectType(type) ? 'input' : isInterfaceType(type) ? 'interface' : 'type';
  const body = shown.map((f) => f.text).join(' ');
  return `${keyword} ${type.name}{${body}}`;
}

/** Minified SDL of the types (or their fields) whose names contain the query, introspection types left out. */
export function searchSchema(schema: GraphQLSchema, query: string): string {
  const needle = query.toLowerCase();
  const matches = (name: string) => name.toLowerCase().includes(needle);
  const found = Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__'))
    .map((type) => minified(type, matches))
    .filter((sdl): sdl is string => sdl !== null);
  return found.slice(0, MAX_TYPES).join('\n') + (found.length > MAX_TYPES ? `\n# ${found.length - MAX_TYPES} more: narrow the query` : '');
}

/** Really validates: syntax, the schema, the operation limits the gateway applies, and the caller's scopes. */
export function validateDocument(schema: GraphQLSchema, index: ScopeIndex, claims: Claims, source: string): string[] {
  const limits = operationLimits();
  let document;
  try {
    document = parse(source, limits.parseOptions);
  } catch (error) {
    return [error instanceof GraphQLError ? error.message : 'The document cannot be parsed'];
  }
  const errors = validate(schema, document, [...specifiedRules, ...limits.validationRules]).map((e) => e.message);
  if (errors.length) return errors;
  return violationsIn(document, schema, index, claims.scopes).map(
    (v) => `${v.field} needs ${v.missing.map(describeRequirement).join(' and ')}`,
  );
}
