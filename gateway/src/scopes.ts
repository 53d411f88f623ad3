import type { ApolloServerPlugin } from '@apollo/server';
import { getNamedType, isObjectType, parse, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import {
  forbidden,
  missingScopes,
  requirementsOf,
  scopeIndex,
  type ScopeIndex,
  type ScopeRequirement,
  type ScopeViolation,
} from '@wrk/platform';
import type { GatewayContext } from './context.ts';

/**
 * Rejects, before planning, an operation that selects any type or field whose `@scopes` the caller's token
 * lacks, naming every such field. The directive is read from the supergraph: the API schema the gateway
 * executes against has linked directives stripped.
 */
export function scopesPlugin(supergraphSdl: string): ApolloServerPlugin<GatewayContext> {
  const index = scopeIndex(parse(supergraphSdl));
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, contextValue }) {
          const violations = violationsIn(document, schema, index, contextValue.claims.scopes);
          if (violations.length) throw forbidden(violations);
        },
      };
    },
  };
}

interface FieldRequirement {
  field: string;
  requirements: ScopeRequirement[];
}

/** Per document (Apollo keeps one parsed document per query text), what each selected field requires, and against what. */
const requirementsByDocument = new WeakMap<DocumentNode, { schema: GraphQLSchema; index: ScopeIndex; found: FieldRequirement[] }>();

/** The scope requirements of each field the document selects: walked once per document, not per request. */
function fieldRequirements(document: DocumentNode, schema: GraphQLSchema, index: ScopeIndex): FieldRequirement[] {
  const known = requirementsByDocument.get(document);
  if (known?.schema === schema && known.index === index) return known.found;
  const typeInfo = new TypeInfo(schema);
  const found: FieldRequirement[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        const requirements = requirementsOf(index, parent.name, node.name.value);
        // A field returning an object type needs that type's scopes too: { contracts { totalCount } } reads contracts.
        const type = typeInfo.getType();
        const returned = type && getNamedType(type);
        if (returned && isObjectType(returned)) requirements.push(...(index.get(returned.name) ?? []));
        if (requirements.length) found.push({ field: `${parent.name}.${node.name.value}`, requirements });
      },
    }),
  );
  requirementsByDocument.set(document, { schema, index, found });
  return found;
}

export function violationsIn(document: DocumentNode, schema: GraphQLSchema, index: ScopeIndex, scopes: string[]): ScopeViolation[] {
  const violations = new Map<string, ScopeViolation>();
  for (const { field, requirements } of fieldRequirements(document, schema, index)) {
    const missing = missingScopes({ scopes }, requirements);
    if (missing.length) violations.set(field, { field, missing });
  }
  return [...violations.values()];
}
