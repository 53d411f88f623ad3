import { loadSubgraphTypeDefs, scopeIndex } from '@wrk/platform';

/** Core's schema: the header schema.graphql and every fragment under src/ (see readSubgraphSdl). */
export const typeDefs = loadSubgraphTypeDefs(new URL('../', import.meta.url));

/** The `@scopes` of core's types and fields. */
export const scopes = scopeIndex(typeDefs);
