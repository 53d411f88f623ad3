import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** The fragments under `src/entities/`: each folder's `.graphql` files, folders and files by name. */
function entityFragments(root: URL): URL[] {
  const entities = new URL('src/entities/', root);
  if (!existsSync(entities)) return [];
  const folders = readdirSync(entities, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return folders
    .map((folder) => folder.name)
    .sort()
    .flatMap((folder) => {
      const dir = new URL(`${folder}/`, entities);
      return readdirSync(dir).filter((file) => file.endsWith('.graphql')).sort().map((file) => new URL(file, dir));
    });
}

/**
 * A subgraph's SDL, given its folder: the shared header `schema.graphql` (links, directives, scalars, the root
 * types, references to other subgraphs' entities) followed by the fragment of each entity folder
 * (`src/entities/<type>/<type>.graphql`: the type, its inputs, enums, connection and `extend type Query/Mutation`).
 */
export function readSubgraphSdl(root: URL): string {
  return [new URL('schema.graphql', root), ...entityFragments(root)].map((file) => readFileSync(file, 'utf8')).join('\n');
}

export function loadSubgraphTypeDefs(root: URL): DocumentNode {
  return parse(readSubgraphSdl(root));
}
