/**
 * Core's entity types, in schema order: plain data, read by codegen.ts and the composition as well as by the
 * subgraph (entities/index.ts pairs each name with its spec). Adding a core entity adds its name here.
 */
export const CORE_ENTITY_NAMES = [
  'Person',
  'Organization',
  'Meeting',
  'Project',
  'Contract',
  'Trip',
  'Grant',
  'Action',
  'Decision',
  'EntityLink',
] as const;
export type CoreEntityName = (typeof CORE_ENTITY_NAMES)[number];

/** The pivot edge types (OrganizationPerson, …): rows of their pivot tables, resolved by relations/. */
const CORE_PIVOTS = [
  'OrganizationPerson',
  'OrganizationGrant',
  'MeetingPerson',
  'MeetingOrganization',
  'MeetingProject',
  'ProjectPerson',
  'ProjectOrganization',
  'ProjectGrant',
  'ProjectTrip',
  'MeetingUser',
  'ProjectUser',
  'TripUser',
] as const;

/** Core's names as codegen reads them (the same shape as every subgraph's entities/names.ts). */
export const CORE_ENTITIES = {
  owned: [...CORE_ENTITY_NAMES, ...CORE_PIVOTS],
  listed: CORE_ENTITY_NAMES,
  enums: ['Visibility', 'ProjectKind', 'ProjectStatus', 'ContractStatus', 'TripStatus', 'GrantStatus', 'ActionStatus'],
  referenced: [
    'User',
    'Team',
    'BoxItem',
    'ProjectDocument',
    'KbChunk',
    'AgentRun',
    'AgentStep',
    'AgentApproval',
    'KnowledgeFact',
    'KnowledgeInsight',
  ],
  /** The prefix of each entity type's external IDs (`usr_…`), which names its type and owner (catalog/). */
  prefixes: {
    Person: 'per',
    Organization: 'org',
    Meeting: 'mtg',
    Project: 'prj',
    Contract: 'ctr',
    Trip: 'trp',
    Grant: 'gnt',
    Action: 'act',
    Decision: 'dec',
    EntityLink: 'lnk',
  } satisfies Record<CoreEntityName, string>,
  /** Types that entity links may not point at or from (all others may). */
  unlinkable: ['EntityLink'],
} as const;
