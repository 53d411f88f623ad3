/**
 * The graph's entity catalogue: every entity type, the prefix of its external ID and the subgraph that owns it.
 * The prefix names the type, so any ID can be routed (node, nodes, entity links) without a lookup.
 */
export const SUBGRAPHS = ['identity', 'core', 'files', 'agents'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export interface EntityTypeInfo {
  typename: string;
  prefix: string;
  owner: SubgraphName;
  /** Other entities may link to and from it through entity_links. */
  linkable: boolean;
}

const entity = (typename: string, prefix: string, owner: SubgraphName, linkable = true): EntityTypeInfo => ({
  typename,
  prefix,
  owner,
  linkable,
});

export const ENTITY_TYPES: readonly EntityTypeInfo[] = [
  entity('User', 'usr', 'identity'),
  entity('Team', 'team', 'identity'),
  entity('EntityPermission', 'prm', 'identity', false),
  entity('ApiToken', 'tok', 'identity', false),
  entity('Person', 'per', 'core'),
  entity('Organization', 'org', 'core'),
  entity('Meeting', 'mtg', 'core'),
  entity('Project', 'prj', 'core'),
  entity('Contract', 'ctr', 'core'),
  entity('Trip', 'trp', 'core'),
  entity('Grant', 'gnt', 'core'),
  entity('Action', 'act', 'core'),
  entity('Decision', 'dec', 'core'),
  entity('EntityLink', 'lnk', 'core', false),
  entity('BoxItem', 'box', 'files'),
  entity('BoxWebhookEvent', 'whk', 'files', false),
  entity('ProjectDocument', 'doc', 'files'),
  entity('KbChunk', 'kb', 'files'),
  entity('AgentRun', 'run', 'agents'),
  entity('AgentStep', 'stp', 'agents'),
  entity('AgentApproval', 'apr', 'agents'),
  entity('KnowledgeFact', 'fct', 'agents'),
  entity('KnowledgeInsight', 'ins', 'agents'),
];

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
