import { readSubgraphSdl, scopeIndex } from '@wrk/platform';
import { parse } from 'graphql';

/** The `@scopes` of core's types and fields, read from its schema files (the same its modules serve). */
export const scopes = scopeIndex(parse(readSubgraphSdl(new URL('../', import.meta.url))));
