import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import { concatAST, GraphQLScalarType, parse, type DocumentNode } from 'graphql';

/** Every `.graphql` file under `src/` (entities/<type>/<type>.graphql and shared modules), by path. */
function fragments(root: URL): URL[] {
  const src = new URL('src/', root);
  if (!existsSync(src)) return [];
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.graphql') && !path.includes('__generated__'))
    .sort()
    .map((path) => new URL(path, src));
}

/** A subgraph's schema files in schema order: the header `schema.graphql`, then every fragment under `src/`. */
const schemaFiles = (root: URL): URL[] => [new URL('schema.graphql', root), ...fragments(root)];

/**
 * A subgraph's SDL, given its folder: the shared header `schema.graphql` (links, directives, scalars, the root
 * types, references to other subgraphs' entities) followed by every fragment under `src/`: one per entity folder
 * (`src/entities/<type>/<type>.graphql`: the type, its inputs, enums, connection and `extend type Query/Mutation`)
 * and those of shared modules (core's `src/relations/`, `src/auditLog/`). Composition and codegen read it.
 */
export function readSubgraphSdl(root: URL): string {
  return schemaFiles(root)
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

// Resolver maps are checked against the schema by graphql-codegen's generated types in each subgraph.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ModuleResolvers = GraphQLResolverMap<any>;

/** One part of a subgraph's schema: a schema file (an entity's fragment, or the header) and its resolvers. */
export interface SchemaModule {
  file: URL;
  typeDefs: DocumentNode;
  resolvers: ModuleResolvers;
}

/** The module of a schema file: `schemaModule(new URL('./<type>.graphql', import.meta.url), resolvers)`. */
export function schemaModule(file: URL, resolvers: ModuleResolvers): SchemaModule {
  return { file, typeDefs: parse(readFileSync(file, 'utf8')), resolvers };
}

/**
 * A subgraph's modules in schema order (as readSubgraphSdl), given its folder: each schema file must have exactly one
 * module, so that what the subgraph serves is what composition and codegen read.
 */
export function subgraphModules(root: URL, modules: readonly SchemaModule[]): SchemaModule[] {
  const byFile = new Map(modules.map((module) => [module.file.href, module]));
  const files = schemaFiles(root);
  const unused = modules.filter((module) => !files.some((file) => file.href === module.file.href));
  const missing = files.filter((file) => !byFile.has(file.href));
  if (byFile.size !== modules.length || unused.length || missing.length) {
    const names = [...missing, ...unused.map((module) => module.file)].map((file) => file.pathname);
    throw new Error(`each schema file of ${root.pathname} needs exactly one module: ${names.join(', ') || 'a file has two'}`);
  }
  return files.map((file) => byFile.get(file.href)).filter((module) => module !== undefined);
}

/** The modules' schema, concatenated in their order. */
export const modulesTypeDefs = (modules: readonly SchemaModule[]): DocumentNode => concatAST(modules.map((module) => module.typeDefs));

export const isFieldMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !(value instanceof GraphQLScalarType);

/** The modules' resolvers in one map; two modules resolving the same field (or scalar) is a mistake, reported. */
export function mergeModuleResolvers(modules: readonly SchemaModule[]): ModuleResolvers {
  const merged: Record<string, unknown> = {};
  for (const { resolvers, file } of modules) {
    for (const [type, value] of Object.entries(resolvers)) {
      const existing = merged[type];
      if (existing === undefined) merged[type] = value;
      else if (isFieldMap(existing) && isFieldMap(value)) {
        const twice = Object.keys(value).filter((field) => field in existing);
        if (twice.length) throw new Error(`${type}.${twice.join(', ')} resolved again by ${file.pathname}`);
        merged[type] = { ...existing, ...value };
      } else throw new Error(`${type} resolved again by ${file.pathname}`);
    }
  }
  // Each entry comes from a module's resolver map, so the union is one.
  return merged as ModuleResolvers;
}
