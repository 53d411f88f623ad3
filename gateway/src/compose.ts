import { readFileSync } from 'node:fs';
import { SUBGRAPHS, type SubgraphName } from '@wrk/catalog';
import { DEFAULT_SUBGRAPH_URLS } from '@wrk/catalog/owners';
import { readSubgraphSdl } from '@wrk/platform/schemaFiles';
import { Kind, parse } from 'graphql';

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
  return withRootDescriptions(result.supergraphSdl, wholeGraphDescriptions());
}

export function committedSupergraph(): string {
  return readFileSync(SUPERGRAPH_FILE, 'utf8');
}

/** What each subgraph says of itself: the description of its root Query type. */
function subgraphDescription(name: SubgraphName): string {
  const query = parse(subgraphSdl(name)).definitions.find(
    (definition) => definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Query',
  );
  const description = query && 'description' in query ? query.description?.value : undefined;
  if (!description) throw new Error(`subgraph ${name}: its Query type says nothing of what it holds`);
  return description.replace(/\s+/g, ' ').trim();
}

/**
 * The root types' descriptions for the whole graph. Composition keeps one subgraph's description of `Query`, so Docs
 * spoke of agents alone: the composed schema's roots name every subgraph instead.
 */
function wholeGraphDescriptions(): Record<'Query' | 'Mutation', string> {
  const parts = SUBGRAPHS.map((name) => `- ${name}: ${subgraphDescription(name)}`).join('\n');
  return {
    Query:
      `WRK v2, the organisation's work graph: one API over ${SUBGRAPHS.length} subgraphs. Any entity can be fetched by its ` +
      `global ID (node) and followed to what it is related to (related, links); you see only what your token may see.\n${parts}`,
    Mutation: `Writes to the work graph; each mutation belongs to one subgraph and is refused without its scope.\n${parts}`,
  };
}

const DESCRIPTION_ABOVE = /(?:"""\n(?:(?!""")[\s\S])*"""\n|"[^"\n]*"\n)$/;

/** Replaces (or adds) the description right above `type <Root>` in a composed SDL. */
export function withRootDescriptions(sdl: string, descriptions: Record<string, string>): string {
  let result = sdl;
  for (const [root, description] of Object.entries(descriptions)) {
    const at = result.search(new RegExp(`^type ${root}\\b`, 'm'));
    if (at < 0) throw new Error(`the supergraph has no ${root} type`);
    const above = DESCRIPTION_ABOVE.exec(result.slice(0, at));
    const start = above ? at - above[0].length : at;
    result = `${result.slice(0, start)}"""\n${description}\n"""\n${result.slice(at)}`;
  }
  return result;
}
