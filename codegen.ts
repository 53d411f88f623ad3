import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed resolvers for each subgraph (graphql-codegen typescript-resolvers, federation mode).
 * Mappers bind GraphQL object types to the Prisma rows their resolvers receive as parent.
 */
const prismaRows = (types: string[]) => Object.fromEntries(types.map((type) => [type, `./prisma/client.ts#${type}`]));

const prismaEnums = (types: string[]) => Object.fromEntries(types.map((type) => [type, `./prisma/enums.ts#${type}`]));

/** Relay connections of a row type: Connection<Row> from @wrk/platform, whose totalCount is a lazy promise. */
const connections = (types: string[]) =>
  Object.fromEntries(types.map((type) => [`${type}Connection`, `@wrk/platform#Connection<${type}Row>`]));

/** Entities of other subgraphs that this one only references: a representation `{ __typename, id }`. */
const references = (types: string[]) => Object.fromEntries(types.map((type) => [type, '@wrk/platform#EntityRef']));

function subgraph(
  name: string,
  rows: string[],
  enums: string[],
  extraMappers: Record<string, string> = {},
  { paginated = rows, foreign = [] as string[] } = {},
) {
  return {
    schema: `subgraphs/${name}/schema.graphql`,
    plugins: ['typescript', 'typescript-resolvers'],
    config: {
      federation: true,
      useIndexSignature: true,
      useTypeImports: true,
      importExtension: '.ts',
      contextType: '../context.ts#Context',
      mapperTypeSuffix: 'Row',
      mappers: { ...prismaRows(rows), ...connections(paginated), ...references(foreign), ...extraMappers },
      enumValues: prismaEnums(enums),
      scalars: { DateTime: 'Date | string', Date: 'Date | string', JSON: 'unknown' },
      avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      maybeValue: 'T | null',
      inputMaybeValue: 'T | null | undefined',
    },
  };
}

const FOREIGN_IN_CORE = [
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
];

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
];

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'subgraphs/core/src/__generated__/resolvers-types.ts': subgraph(
      'core',
      ['Person', 'Organization', 'Meeting', 'Project', 'Contract', 'Trip', 'Grant', 'Action', 'Decision', 'EntityLink', ...CORE_PIVOTS],
      ['Visibility', 'ProjectKind', 'ProjectStatus', 'ContractStatus', 'TripStatus', 'GrantStatus', 'ActionStatus'],
      {},
      {
        foreign: FOREIGN_IN_CORE,
        paginated: ['Person', 'Organization', 'Meeting', 'Project', 'Contract', 'Trip', 'Grant', 'Action', 'Decision', 'EntityLink'],
      },
    ),
    'subgraphs/identity/src/__generated__/resolvers-types.ts': subgraph(
      'identity',
      ['User', 'Team', 'EntityPermission', 'ApiToken'],
      ['UserRole', 'AuthState', 'SubjectType', 'PermissionLevel', 'TokenKind'],
      {},
      { paginated: ['User', 'Team'] },
    ),
    'subgraphs/files/src/__generated__/resolvers-types.ts': subgraph(
      'files',
      ['BoxItem', 'ProjectDocument', 'KbChunk', 'BoxWebhookEvent'],
      ['BoxItemType'],
      {},
      { foreign: ['Project'] },
    ),
    'subgraphs/agents/src/__generated__/resolvers-types.ts': subgraph(
      'agents',
      ['AgentRun', 'AgentStep', 'AgentApproval', 'KnowledgeFact', 'KnowledgeInsight'],
      ['AgentRunStatus', 'ApprovalStatus', 'ReviewState'],
    ),
  },
};

export default config;
