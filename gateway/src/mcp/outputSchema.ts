import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  OperationTypeNode,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { JsonSchema } from './inputSchema.ts';

export type OutputSchema = Omit<JsonSchema, 'type' | 'properties' | 'items'> & {
  type?: JsonSchema['type'] | [NonNullable<JsonSchema['type']>, 'null'];
  properties?: Record<string, OutputSchema>;
  items?: OutputSchema;
};

const LEAVES: Record<string, OutputSchema> = {
  ID: { type: 'string' },
  String: { type: 'string' },
  Int: { type: 'integer' },
  Float: { type: 'number' },
  Boolean: { type: 'boolean' },
};

const nullable = (schema: OutputSchema): OutputSchema =>
  typeof schema.type === 'string' ? { ...schema, type: [schema.type, 'null'] } : schema;

/**
 * The shape of a selection: objects with one property per selected field (aliases honoured), nullable where the
 * schema allows null. Inline fragments and abstract types are described as open objects (their fields vary).
 */
function schemaOfSelection(type: GraphQLOutputType, selection: SelectionSetNode | undefined): OutputSchema {
  if (isNonNullType(type)) {
    const inner = schemaOfSelection(type.ofType, selection);
    return typeof inner.type === 'object' ? { ...inner, type: inner.type[0] } : inner;
  }
  if (isListType(type)) return nullable({ type: 'array', items: schemaOfSelection(type.ofType, selection) });
  const named = getNamedType(type);
  if (isEnumType(named)) return nullable({ type: 'string', enum: named.getValues().map((v) => v.name) });
  if (isObjectType(named) && selection && selection.selections.every((s) => s.kind === Kind.FIELD)) {
    const properties: Record<string, OutputSchema> = {};
    for (const field of selection.selections) {
      if (field.kind !== Kind.FIELD) continue;
      const key = field.alias?.value ?? field.name.value;
      const definition = field.name.value === '__typename' ? undefined : named.getFields()[field.name.value];
      properties[key] = definition ? schemaOfSelection(definition.type, field.selectionSet) : { type: 'string' };
    }
    return nullable({ type: 'object', properties, required: Object.keys(properties) });
  }
  if (isObjectType(named) || isAbstractType(named)) return nullable({ type: 'object' });
  // Custom scalars (dates as strings, JSON as anything): no constraint a client could trip on.
  return nullable(LEAVES[named.name] ?? { description: named.name });
}

/** The tool's output: the operation's `data`, shaped by its selection. */
export function outputSchemaOf(operation: OperationDefinitionNode, schema: GraphQLSchema): OutputSchema {
  const root = operation.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : schema.getQueryType();
  if (!root) throw new Error(`the schema has no ${operation.operation} type`);
  const shape = schemaOfSelection(root, operation.selectionSet);
  return { ...shape, type: 'object' };
}
