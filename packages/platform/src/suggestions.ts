import type { ApolloServerPlugin } from '@apollo/server';
import type { Claims } from './claims.ts';

/** Who may read the schema: staff (the explorer) and the system; agents only when WRK_AGENT_INTROSPECTION=true. */
export function mayIntrospect(claims: Pick<Claims, 'kind'>, env: NodeJS.ProcessEnv = process.env): boolean {
  return claims.kind === 'staff' || claims.kind === 'system' || (claims.kind === 'agent' && env.WRK_AGENT_INTROSPECTION === 'true');
}

/** graphql-js ends a message with its suggestions: `Did you mean "items"?`, `Did you mean the enum value "ACTIVE"?`. */
const SUGGESTION = /\s*Did you mean .*$/s;

/**
 * "Did you mean …" names fields, arguments, types and enum values: it would reveal the schema, field by field, to a
 * caller who may not introspect it. Their error messages keep everything but the suggestion.
 */
export function hideSchemaSuggestions<TContext extends { claims: Claims }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (mayIntrospect(contextValue.claims)) return;
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
            ...error,
            message: error.message.replace(SUGGESTION, ''),
          }));
        },
      };
    },
  };
}
