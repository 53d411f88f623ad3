import { loadTypeDefs, scopeIndex } from '@wrk/platform';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The `@scopes` of core's types and fields. */
export const scopes = scopeIndex(typeDefs);
