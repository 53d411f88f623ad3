import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * A plain draft-07 subset most MCP clients accept: `type`, `properties`, `required`, `items`, `enum`, `description`
 * (no `$ref`, no `$schema`, no formats).
 */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: string[];
  pattern?: string;
  maxItems?: number;
  additionalProperties?: boolean;
}

const SCALARS: Record<string, JsonSchema> = {
  ID: { type: 'string' },
  String: { type: 'string' },
  Int: { type: 'integer' },
  Float: { type: 'number' },
  Boolean: { type: 'boolean' },
  Date: { type: 'string', description: 'YYYY-MM-DD' },
  DateTime: { type: 'string', description: 'ISO 8601 date and time' },
  // Any JSON value: no `type`.
  JSON: { description: 'any JSON value' },
};

/** An input object met again below itself (a recursive input) is described as a plain object: no `$ref` cycles. */
function schemaOfType(type: GraphQLInputType, seen: ReadonlySet<string>): JsonSchema {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return { type: 'array', items: schemaOfType(inner.ofType, seen) };
  const named = getNamedType(inner);
  const description = named.description ?? undefined;
  if (isEnumType(named)) return { type: 'string', enum: named.getValues().map((v) => v.name), ...(description && { description }) };
  if (isInputObjectType(named)) {
    if (seen.has(named.name)) return { type: 'object', description: `${named.name} (see above)` };
    const below = new Set([...seen, named.name]);
    const fields = Object.values(named.getFields());
    const properties = Object.fromEntries(
      fields.map((field) => {
        const schema = schemaOfType(field.type, below);
        return [field.name, field.description ? { ...schema, description: field.description } : schema];
      }),
    );
    const required = fields.filter((f) => isNonNullType(f.type) && f.defaultValue === undefined).map((f) => f.name);
    return {
      type: 'object',
      properties,
      ...(required.length && { required }),
      additionalProperties: false,
      ...(description && { description }),
    };
  }
  return SCALARS[named.name] ?? { type: 'string', ...(description && { description }) };
}

/** The tool's input: one property per variable of the operation, required when non-null without a default. */
export function inputSchemaOf(operation: OperationDefinitionNode, schema: GraphQLSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type);
    const name = definition.variable.name.value;
    if (!type || !isInputType(type)) throw new Error(`${operation.name?.value ?? 'operation'}: unknown type of $${name}`);
    properties[name] = schemaOfType(type, new Set());
    if (isNonNullType(type) && !definition.defaultValue) required.push(name);
  }
  return { type: 'object', properties, ...(required.length && { required }), additionalProperties: false };
}
