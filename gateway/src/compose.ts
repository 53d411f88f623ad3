import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { SUBGRAPHS, type SubgraphName } from '@wrk/catalog';
import { DEFAULT_SUBGRAPH_URLS } from '@wrk/catalog/owners';
import { parse } from 'graphql';
import { CORE_SCHEMA_FILES } from '../../subgraphs/core/src/entities/names.ts';

const repoRoot = new URL('../../', import.meta.url);

export const SUPERGRAPH_FILE = new URL('supergraph.graphql', repoRoot);

/** The files of a subgraph's schema, relative to its folder: schema.graphql, or a header and its entities' fragments. */
const SCHEMA_FILES: Partial<Record<SubgraphName, readonly string[]>> = { core: CORE_SCHEMA_FILES };

export function subgraphSdl(name: SubgraphName): string {
  const files = SCHEMA_FILES[name] ?? ['schema.graphql'];
  return files.map((file) => readFileSync(new URL(`subgraphs/${name}/${file}`, repoRoot), 'utf8')).join('\n');
}

/** Composes the supergraph from the subgraphs' schema files with @apollo/composition (no rover). */
export function composeSupergraph(urls: Record<SubgraphName, string> = DEFAULT_SUBGRAPH_URLS): string {
  const result = composeServices(
    SUBGRAPHS.map((name) => ({ name, url: urls[name], typeDefs: parse(subgraphSdl(name)) })),
  );
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

export function committedSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}
