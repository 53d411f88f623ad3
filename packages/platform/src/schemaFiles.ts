import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Every `.graphql` file under `src/` (entities/<type>/<type>.graphql and shared modules), by path. */
function fragments(root: URL): URL[] {
  const src = new URL('src/', root);
  if (!existsSync(src)) return [];
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.graphql') && !path.includes('__generated__'))
    .sort()
    .map((path) => new URL(path, src));
}

/**
 * A subgraph's SDL, given its folder: the shared header `schema.graphql` (links, directives, scalars, the root
 * types, references to other subgraphs' entities) followed by every fragment under `src/`: one per entity folder
 * (`src/entities/<type>/<type>.graphql`: the type, its inputs, enums, connection and `extend type Query/Mutation`)
 * and those of shared modules (core's `src/relations/`, `src/auditLog/`).
 */
export function readSubgraphSdl(root: URL): string {
  return [new URL('schema.graphql', root), ...fragments(root)].map((file) => readFileSync(file, 'utf8')).join('\n');
}

export function loadSubgraphTypeDefs(root: URL): DocumentNode {
  return parse(readSubgraphSdl(root));
}
