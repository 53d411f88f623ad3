import { loadTypeDefs, scopeIndex } from '@wrk/platform';
import { CORE_SCHEMA_FILES } from './entities/names.ts';

export const typeDefs = loadTypeDefs(...CORE_SCHEMA_FILES.map((file) => new URL(`../${file}`, import.meta.url)));

/** The `@scopes` of core's types and fields. */
export const scopes = scopeIndex(typeDefs);
