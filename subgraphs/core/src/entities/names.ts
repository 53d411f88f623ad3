/**
 * Core's entity types, in schema order: plain data, read by codegen.ts and the composition as well as by the
 * subgraph (entities/index.ts pairs each name with its spec). Adding a core entity adds its name here.
 */
export const CORE_ENTITY_NAMES = ['Person', 'Organization', 'Meeting', 'Project', 'Contract', 'Trip', 'Grant', 'Action', 'Decision', 'EntityLink'] as const;
export type CoreEntityName = (typeof CORE_ENTITY_NAMES)[number];

/** The folder of an entity: `entities/contract/` holds contract.graphql, resolvers.ts and spec.ts. */
export const entityFolder = (name: string) => name[0]?.toLowerCase() + name.slice(1);

const fragment = (name: string) => `src/entities/${entityFolder(name)}/${entityFolder(name)}.graphql`;

/**
 * The files of core's schema, relative to subgraphs/core/, in the order they are concatenated: a shared header,
 * the entities' fragments, and the shared modules. Root fields appear in this order in the supergraph, so the
 * relations (addRelation/removeRelation) come before EntityLink's createEntityLink, as they always have.
 */
export const CORE_SCHEMA_FILES: readonly string[] = [
  'schema.graphql',
  ...CORE_ENTITY_NAMES.filter((name) => name !== 'EntityLink').map(fragment),
  'src/relations/relations.graphql',
  fragment('EntityLink'),
  'src/auditLog/auditLog.graphql',
];
