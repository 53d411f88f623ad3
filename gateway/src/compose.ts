import { readFileSync } from 'node:fs';
import { SUBGRAPHS, type SubgraphName } from '@wrk/catalog';
import { DEFAULT_SUBGRAPH_URLS } from '@wrk/catalog/owners';
import { readSubgraphSdl } from '@wrk/platform/schemaFiles';
import { parse } from 'graphql';

const repoRoot = new URL('../../', import.meta.url);

export const SUPERGRAPH_FILE = new URL('supergraph.graphql', repoRoot);

/** A subgraph's SDL: its schema.graphql header and its entities' fragments. */
export function subgraphSdl(name: SubgraphName): string {
  return readSubgraphSdl(new URL(`subgraphs/${name}/`, repoRoot));
}

/**
 * Composes the supergraph from the subgraphs' SDL with @apollo/composition (no rover). Loaded on demand: a start whose
 * supergraph is up to date, and the gateway reading the committed file, do not pay for importing it.
 */
export async function composeSupergraph(urls: Record<SubgraphName, string> = DEFAULT_SUBGRAPH_URLS): Promise<string> {
  const { composeServices } = await import('@apollo/composition');
  const result = composeServices(SUBGRAPHS.map((name) => ({ name, url: urls[name], typeDefs: parse(subgraphSdl(name)) })));
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

export function committedSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}
