import type { CodegenConfig } from '@graphql-codegen/cli';
import { CORE_ENTITIES } from './subgraphs/core/src/entities/names.ts';
import { AGENTS_ENTITIES } from './subgraphs/agents/src/entities/names.ts';
import { FILES_ENTITIES } from './subgraphs/files/src/entities/names.ts';
import { IDENTITY_ENTITIES } from './subgraphs/identity/src/entities/names.ts';

/**
 * Typed resolvers for each subgraph (graphql-codegen typescript-resolvers, federation mode).
 * Mappers bind GraphQL object types to the Prisma rows their resolvers receive as parent.
 */
const prismaRows = (types: string[]) => Object.fromEntries(types.map((type) => [type, `./prisma/client.ts#${type}`]));

const prismaEnums = (types: string[]) => Object.fromEntries(types.map((type) => [type, `./prisma/enums.ts#${type}`]));

/** Relay connections of a row type: Connection<Row> from @wrk/platform, whose totalCount is a lazy promise. */
const connections = (types: string[]) =>
  Object.fromEntries(types.map((type) => [`${type}Connection`, `@wrk/platform#Connection<${type}Row>`]));

/** Entities of other subgraphs that this one only references: a representation `{ __typename, id }`. */
const references = (types: string[]) => Object.fromEntries(types.map((type) => [type, '@wrk/platform#EntityRef']));

function subgraph(
  name: string,
  rows: string[],
  enums: string[],
  extraMappers: Record<string, string> = {},
  { paginated = rows, foreign = [] as string[] } = {},
) {
  return {
    // The shared header, then every fragment under src/ (entities/<type>/<type>.graphql and shared modules).
    schema: [`subgraphs/${name}/schema.graphql`, `subgraphs/${name}/src/**/*.graphql`],
    plugins: ['typescript', 'typescript-resolvers'],
    config: {
      federation: true,
      useIndexSignature: true,
      useTypeImports: true,
      importExtension: '.ts',
      contextType: '../context.ts#Context',
      mapperTypeSuffix: 'Row',
      mappers: { ...prismaRows(rows), ...connections(paginated), ...references(foreign), ...extraMappers },
      enumValues: prismaEnums(enums),
      scalars: { DateTime: 'Date | string', Date: 'Date | string', JSON: 'unknown' },
      avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      maybeValue: 'T | null',
      inputMaybeValue: 'T | null | undefined',
    },
  };
}

interface EntityNames {
  owned: readonly string[];
  listed: readonly string[];
  enums: readonly string[];
  referenced: readonly string[];
  /** Other object types whose resolvers receive a row of the subgraph's own (type → `<module>#<Type>`, from __generated__). */
  mapped?: Readonly<Record<string, string>>;
}

/** A subgraph whose schema is a header plus entity fragments, and whose mapper lists are its entities/names.ts. */
const entitySubgraph = (name: string, names: EntityNames) =>
  subgraph(name, [...names.owned], [...names.enums], { ...names.mapped }, { paginated: [...names.listed], foreign: [...names.referenced] });

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'subgraphs/core/src/__generated__/resolvers-types.ts': entitySubgraph('core', CORE_ENTITIES),
    'subgraphs/identity/src/__generated__/resolvers-types.ts': entitySubgraph('identity', IDENTITY_ENTITIES),
    'subgraphs/files/src/__generated__/resolvers-types.ts': entitySubgraph('files', FILES_ENTITIES),
    'subgraphs/agents/src/__generated__/resolvers-types.ts': entitySubgraph('agents', AGENTS_ENTITIES),
  },
};

export default config;
