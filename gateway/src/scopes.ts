import type { ApolloServerPlugin } from '@apollo/server';
import { getNamedType, isObjectType, parse, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { forbidden, missingScopes, requirementsOf, scopeIndex, type ScopeIndex, type ScopeViolation } from '@wrk/platform';
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

export function violationsIn(document: DocumentNode, schema: GraphQLSchema, index: ScopeIndex, scopes: string[]): ScopeViolation[] {
  const typeInfo = new TypeInfo(schema);
  const violations = new Map<string, ScopeViolation>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        const field = `${parent.name}.${node.name.value}`;
        const requirements = requirementsOf(index, parent.name, node.name.value);
        // A field returning an object type needs that type's scopes too: { contracts { totalCount } } reads contracts.
        const type = typeInfo.getType();
        const returned = type && getNamedType(type);
        if (returned && isObjectType(returned)) requirements.push(...(index.get(returned.name) ?? []));
        const missing = missingScopes({ scopes }, requirements);
        if (missing.length) violations.set(field, { field, missing });
      },
    }),
  );
  return [...violations.values()];
}
