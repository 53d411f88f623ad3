/**
 * The graph's entity catalogue: every entity type, the prefix of its external ID and the subgraph that owns it,
 * composed from what each subgraph declares in its `src/entities/names.ts`. The prefix names the type, so any ID can
 * be routed (node, nodes, entity links) without a lookup.
 */
import { AGENTS_ENTITIES } from '../../subgraphs/agents/src/entities/names.ts';
import { CORE_ENTITIES } from '../../subgraphs/core/src/entities/names.ts';
import { FILES_ENTITIES } from '../../subgraphs/files/src/entities/names.ts';
import { IDENTITY_ENTITIES } from '../../subgraphs/identity/src/entities/names.ts';

export const SUBGRAPHS = ['identity', 'core', 'files', 'agents'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export interface EntityTypeInfo {
  typename: string;
  prefix: string;
  owner: SubgraphName;
  /** Other entities may link to and from it through entity_links. */
  linkable: boolean;
}

/** What each subgraph's `src/entities/names.ts` (plain data, no imports) says of its entity types. */
interface SubgraphEntityNames {
  prefixes: Readonly<Record<string, string>>;
  unlinkable: readonly string[];
}

const NAMES: Record<SubgraphName, SubgraphEntityNames> = {
  identity: IDENTITY_ENTITIES,
  core: CORE_ENTITIES,
  files: FILES_ENTITIES,
  agents: AGENTS_ENTITIES,
};

/** Every entity type of the graph, subgraph by subgraph: each declares its types' prefixes in its names.ts. */
export const ENTITY_TYPES: readonly EntityTypeInfo[] = SUBGRAPHS.flatMap((owner) =>
  Object.entries(NAMES[owner].prefixes).map(([typename, prefix]) => ({
    typename,
    prefix,
    owner,
    linkable: !NAMES[owner].unlinkable.includes(typename),
  })),
);

/** A prefix or type name declared twice would route IDs to the wrong owner: refused when the catalogue loads. */
function assertUnique(key: 'prefix' | 'typename') {
  const seen = new Map<string, EntityTypeInfo>();
  for (const type of ENTITY_TYPES) {
    const other = seen.get(type[key]);
    if (other)
      throw new Error(`${key} ${type[key]} is declared by ${other.owner} (${other.typename}) and ${type.owner} (${type.typename})`);
    seen.set(type[key], type);
  }
}
assertUnique('prefix');
assertUnique('typename');

const byPrefix = new Map(ENTITY_TYPES.map((t) => [t.prefix, t]));
const byTypename = new Map(ENTITY_TYPES.map((t) => [t.typename, t]));

const EXTERNAL_ID = /^([a-z]+)_([0-9a-z]{6,32})$/;

/** The entity type an external ID names, or undefined when the ID is malformed or its prefix unknown. */
export function entityTypeOfId(id: string): EntityTypeInfo | undefined {
  const prefix = EXTERNAL_ID.exec(id)?.[1];
  return prefix === undefined ? undefined : byPrefix.get(prefix);
}

export function entityType(typename: string): EntityTypeInfo {
  const info = byTypename.get(typename);
  if (!info) throw new Error(`Unknown entity type ${typename}`);
  return info;
}

export function prefixOf(typename: string): string {
  return entityType(typename).prefix;
}
