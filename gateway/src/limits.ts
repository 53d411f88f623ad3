import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import { ErrorCode, mayIntrospect } from '@wrk/platform';
import type { GatewayContext } from './context.ts';

/** Whether each document selects introspection: walked once per document (Apollo keeps one per query text). */
const introspecting = new WeakMap<DocumentNode, boolean>();

const selectsIntrospection = (document: DocumentNode) => {
  const known = introspecting.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  introspecting.set(document, found);
  return found;
};

/**
 * Who may introspect: staff (the explorer), and agents only when WRK_AGENT_INTROSPECTION=true. Callers without a
 * token never reach this: they are refused with 401. The operation limits are @wrk/platform's operationLimits,
 * shared with the subgraphs.
 */
export function introspectionPolicy(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (!mayIntrospect(contextValue.claims) && selectsIntrospection(document)) {
            throw new GraphQLError('Introspection is not allowed for this caller', {
              extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
