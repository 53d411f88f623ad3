import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { scalarResolvers } from '@wrk/platform';

/**
 * The supergraph declares `DateTime`, `Date` and `JSON` without their parsing, so the gateway would pass a malformed
 * value on to a subgraph, whose refusal then reaches the caller as an internal error. The gateway's schema takes the
 * subgraphs' own parsing instead: a malformed variable is BAD_USER_INPUT (the variables are coerced before any work,
 * cost.ts) and a malformed literal fails validation, before any subgraph is asked.
 */
export function scalarParsing(): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate: ({ apiSchema }) => adoptSubgraphParsing(apiSchema),
      };
    },
  };
}

function adoptSubgraphParsing(schema: GraphQLSchema): void {
  for (const [name, own] of Object.entries(scalarResolvers)) {
    const type = schema.getType(name);
    if (!(type instanceof GraphQLScalarType)) continue;
    type.parseValue = own.parseValue;
    type.parseLiteral = own.parseLiteral;
  }
}
