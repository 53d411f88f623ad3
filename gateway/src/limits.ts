import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import { ErrorCode } from '@wrk/platform';
import type { GatewayContext } from './context.ts';

const numberFromEnv = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/**
 * Operation limits (graphql-armor): depth, aliases, tokens, directives and a cost estimate, checked at
 * validation, before any planning or subgraph call. Rejected operations get GRAPHQL_VALIDATION_FAILED.
 */
export function operationLimits() {
  return new ApolloArmor({
    maxDepth: { n: numberFromEnv('WRK_MAX_DEPTH', 12) },
    maxAliases: { n: numberFromEnv('WRK_MAX_ALIASES', 20) },
    maxTokens: { n: numberFromEnv('WRK_MAX_TOKENS', 4000) },
    maxDirectives: { n: 50 },
    costLimit: { maxCost: numberFromEnv('WRK_MAX_COST', 20_000) },
    // Analysts explore with suggestions on; the schema is not secret to callers allowed to introspect it.
    blockFieldSuggestion: { enabled: false },
  }).protect();
}

const selectsIntrospection = (document: DocumentNode) => {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
};

/**
 * Who may introspect: staff (the explorer), and agents only when WRK_AGENT_INTROSPECTION=true. Anonymous
 * callers never: the schema is not public.
 */
export function introspectionPolicy(): ApolloServerPlugin<GatewayContext> {
  const agentsMayIntrospect = process.env.WRK_AGENT_INTROSPECTION === 'true';
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          const { kind } = contextValue.claims;
          const allowed = kind === 'staff' || kind === 'system' || (kind === 'agent' && agentsMayIntrospect);
          if (!allowed && selectsIntrospection(document)) {
            throw new GraphQLError('Introspection is not allowed for this caller', {
              extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
