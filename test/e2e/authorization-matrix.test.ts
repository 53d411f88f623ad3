/**
 * The authorization matrix: every query and mutation of the schema, under every principal, against seeded
 * public and restricted entities. Expectations are written here by hand (scopes per operation, who may see
 * which restricted entity), independently of the code that enforces them. A field added to the schema
 * without a case here fails the coverage test.
 */
import { Kind, parse } from 'graphql';
import { generateKeyPair, SignJWT } from 'jose';
import { SUBGRAPHS } from '@wrk/catalog';
import { DEMO } from '@wrk/demo';
import { subgraphSdl } from '@wrk/gateway/compose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@wrk/platform';
import { createIdentityDb } from '@wrk/subgraph-identity/db';
import { sessionClaims } from '@wrk/subgraph-identity/sessions';
import { databaseKinds } from '../support/databases.ts';
import { postGraphQL, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.ts';

type Subgraph = 'identity' | 'core' | 'files' | 'agents';
type Principal = 'anonymous' | 'admin' | 'staff' | 'restricted' | 'agentRead' | 'agentWrite' | 'expired' | 'revoked' | 'forged' | 'direct';

const AUTHENTICATED: Principal[] = ['admin', 'staff', 'restricted', 'agentRead', 'agentWrite'];
/** Refused with 401 before any operation runs: no token, a token that is no longer (or never was) valid, no gateway. */
const REFUSED: Principal[] = ['anonymous', 'expired', 'revoked', 'forged', 'direct'];
const PRINCIPALS: Principal[] = [...AUTHENTICATED, ...REFUSED];

const AGENT_READ_SCOPES = ['identity:read', 'core:read', 'files:read', 'agents:read'];
const AGENT_WRITE_SCOPES = ['core:read', 'core:write', 'files:read', 'files:write', 'agents:read', 'agents:write'];

/** The scopes each principal holds, written out (not read from the code under test). */
const HOLDS: Record<Principal, string[]> = {
  anonymous: [],
  admin: [
    'identity:read',
    'identity:write',
    'identity:admin',
    'core:read',
    'core:write',
    'files:read',
    'files:write',
    'agents:read',
    'agents:write',
  ],
  staff: ['identity:read', 'identity:write', 'core:read', 'core:write', 'files:read', 'files:write', 'agents:read', 'agents:write'],
  restricted: ['identity:read', 'core:read', 'files:read', 'agents:read'],
  agentRead: AGENT_READ_SCOPES,
  agentWrite: AGENT_WRITE_SCOPES,
  expired: [],
  revoked: [],
  forged: [],
  direct: [],
};

/** Restricted demo entities (owned by admin) and who may see each: admins, and staff through grants. */
const RESTRICTED = {
  project: DEMO.projects.skunkworks,
  contract: DEMO.contracts.northwindSow,
  grant: DEMO.grants.confidential,
  meeting: DEMO.meetings.board,
  decision: DEMO.decisions.layoffs,
} as const;
const ALL_RESTRICTED = Object.values(RESTRICTED) as string[];
const GRANTED_TO_STAFF = [DEMO.contracts.northwindSow, DEMO.meetings.board];
const SEES: Record<Principal, string[]> = {
  anonymous: [],
  admin: ALL_RESTRICTED,
  staff: GRANTED_TO_STAFF,
  restricted: [],
  agentRead: GRANTED_TO_STAFF,
  agentWrite: GRANTED_TO_STAFF,
  expired: [],
  revoked: [],
  forged: [],
  direct: [],
};

interface Case {
  field: string;
  subgraph: Subgraph;
  /** Scope sets, any of which allows the operation. */
  needs: string[][];
  query: string;
  variables?: (ctx: Setup, principal: Principal) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Extra refusal beyond scopes (e.g. only staff tokens manage tokens). */
  refusedFor?: Principal[];
  /** For by-ID reads of a restricted entity: the entity. */
  restrictedId?: string;
  /** For by-ID reads of an entity only some principals may see (Box ACL, admin-only logs): who. */
  onlyFor?: Principal[];
  /** A sensitive write (issue 11's policy): an agent's is held for approval (APPROVAL_REQUIRED), not applied. */
  heldForAgents?: boolean;
}

/** A fresh document of the platform project backed by the demo MSA file (visible to staff through the Box ACL). */
async function matrixDocument(ctx: Setup): Promise<string> {
  const created = await ctx.admin(
    `mutation { createProjectDocument(input: { title: "Matrix doc ${ctx.unique()}", entityId: "${DEMO.projects.platform}", boxItemId: "${DEMO.boxItems.acmeMsaFile}" }) { id } }`,
  );
  return (created.data!.createProjectDocument as { id: string }).id;
}

/** A fresh chunk of a fresh document. */
async function matrixChunk(ctx: Setup): Promise<string> {
  const created = await ctx.admin(`mutation ($doc: ID!) { createKbChunk(input: { documentId: $doc, content: "Matrix text." }) { id } }`, {
    doc: await matrixDocument(ctx),
  });
  return (created.data!.createKbChunk as { id: string }).id;
}

/** A fresh active fact about the public Acme MSA, citing it. */
async function matrixFact(ctx: Setup): Promise<string> {
  const created = await ctx.admin(
    `mutation ($refs: [SourceRefInput!]!) { createKnowledgeFact(input: { subjectId: "${DEMO.contracts.acmeMsa}", predicate: "p", value: "v", confidence: 0.5, sourceRefs: $refs }) { id } }`,
    { refs: sourceRefs },
  );
  return (created.data!.createKnowledgeFact as { id: string }).id;
}

/** A fresh insight citing the Acme MSA: a draft, or submitted for review. */
async function matrixInsight(ctx: Setup, submitted: boolean): Promise<string> {
  const created = await ctx.admin(
    `mutation ($refs: [SourceRefInput!]!) { createKnowledgeInsight(input: { title: "t", body: "b", sourceRefs: $refs }) { id } }`,
    { refs: sourceRefs },
  );
  const id = (created.data!.createKnowledgeInsight as { id: string }).id;
  if (submitted) await ctx.admin(`mutation ($id: ID!) { submitInsight(id: $id) { id } }`, { id });
  return id;
}

interface Setup {
  stack: TestStack;
  admin(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Record<string, any>>>;
  /** The writing agent proposes a contract change (held by the gate): the approval's ID. */
  propose(): Promise<string>;
  /** A fresh open run of the principal's own (runs take steps only from whoever started them); admin's for those who cannot start one. */
  ownRun(principal: Principal): Promise<string>;
  unique: () => string;
}

const needs = (...scopes: string[]) => scopes.map((scope) => [scope]);
/** The demo Box items' projected ACL names Box users 1001 (admin) and 1002 (staff, and agents acting for staff). */
const IN_BOX_ACL: Principal[] = ['admin', 'staff', 'agentRead', 'agentWrite'];
const sourceRefs = [{ id: DEMO.contracts.acmeMsa }];

const list = (field: string, subgraph: Subgraph, scope: string, args = ''): Case => ({
  field,
  subgraph,
  needs: needs(scope),
  query: `{ ${field}(first: 100${args}) { totalCount nodes { id } } }`,
});
const byId = (field: string, subgraph: Subgraph, scope: string, id: string, restricted = false): Case => ({
  field,
  subgraph,
  needs: needs(scope),
  query: `query ($id: ID!) { ${field}(id: $id) { id } }`,
  variables: () => ({ id }),
  ...(restricted ? { restrictedId: id } : {}),
});

/** Each updatable core type: a public demo entity and a harmless change. */
const UPDATES: [string, string, string][] = [
  ['Person', DEMO.people.ada, '{ title: "CTO" }'],
  ['Organization', DEMO.organizations.acme, '{ website: "https://acme.example" }'],
  ['Meeting', DEMO.meetings.kickoff, '{ location: "Acme HQ" }'],
  ['Project', DEMO.projects.platform, '{ status: ACTIVE }'],
  ['Contract', DEMO.contracts.acmeMsa, '{ billingTerms: "Quarterly in advance, net 30." }'],
  ['Trip', DEMO.trips.berlin, '{ destination: "Berlin" }'],
  ['Grant', DEMO.grants.innovation, '{ status: AWARDED }'],
  ['Action', DEMO.actions.sendDraft, '{ status: OPEN }'],
  ['Decision', DEMO.decisions.goAhead, '{ summary: "Phase 1: onboarding team; phase 2: everyone." }'],
];

/** Each archivable core type and how admin creates a fresh one to archive. */
const ARCHIVES: [string, string][] = [
  ['Person', 'createPerson(input: { fullName: "Archivable" })'],
  ['Organization', 'createOrganization(input: { name: "Archivable" })'],
  ['Meeting', 'createMeeting(input: { title: "Archivable", startsAt: "2027-01-01T10:00:00Z" })'],
  ['Project', 'createProject(input: { name: "Archivable" })'],
  ['Contract', `createContract(input: { title: "Archivable", organizationId: "${DEMO.organizations.acme}" })`],
  ['Trip', 'createTrip(input: { title: "Archivable" })'],
  ['Grant', 'createGrant(input: { title: "Archivable" })'],
  ['Action', 'createAction(input: { title: "Archivable" })'],
  ['Decision', 'createDecision(input: { title: "Archivable" })'],
];

const CASES: Case[] = [
  // identity
  { field: 'me', subgraph: 'identity', needs: needs('identity:read'), query: '{ me { id email } }' },
  byId('user', 'identity', 'identity:read', DEMO.users.staff),
  list('users', 'identity', 'identity:read'),
  byId('team', 'identity', 'identity:read', DEMO.teams.contracts),
  list('teams', 'identity', 'identity:read'),
  {
    field: 'entityPermissions',
    subgraph: 'identity',
    needs: needs('identity:admin'),
    query: `query ($id: ID!) { entityPermissions(entityId: $id) { id } }`,
    variables: () => ({ id: DEMO.contracts.northwindSow }),
  },
  { field: 'tokens', subgraph: 'identity', needs: needs('identity:read'), query: '{ tokens { id } }' },
  {
    field: 'createUser',
    subgraph: 'identity',
    needs: needs('identity:admin'),
    query: `mutation ($email: String!) { createUser(input: { email: $email, name: "New Person" }) { id } }`,
    variables: ({ unique }) => ({ email: `new-${unique()}@wrk.demo` }),
  },
  {
    field: 'createTeam',
    subgraph: 'identity',
    needs: needs('identity:admin'),
    query: `mutation ($slug: String!) { createTeam(input: { name: "Team", slug: $slug }) { id } }`,
    variables: ({ unique }) => ({ slug: `team-${unique()}` }),
  },
  {
    field: 'addTeamMember',
    subgraph: 'identity',
    needs: needs('identity:admin'),
    query: `mutation ($team: ID!) { addTeamMember(teamId: $team, userId: "${DEMO.users.restricted}") { id } }`,
    variables: async ({ admin, unique }) => ({
      team: (await admin(`mutation { createTeam(input: { name: "T", slug: "t-${unique()}" }) { id } }`)).data!.createTeam.id,
    }),
  },
  {
    field: 'removeTeamMember',
    subgraph: 'identity',
    needs: needs('identity:admin'),
    query: `mutation ($team: ID!) { removeTeamMember(teamId: $team, userId: "${DEMO.users.restricted}") { id } }`,
    variables: async ({ admin, unique }) => {
      const team = (await admin(`mutation { createTeam(input: { name: "R", slug: "r-${unique()}" }) { id } }`)).data!.createTeam.id;
      await admin(`mutation { addTeamMember(teamId: "${team}", userId: "${DEMO.users.restricted}") { id } }`);
      return { team };
    },
  },
  {
    field: 'updateUser',
    subgraph: 'identity',
    needs: needs('identity:admin'),
    query: `mutation ($id: ID!) { updateUser(id: $id, input: { name: "Renamed Person" }) { id } }`,
    // A fresh user made by admin for each principal to rename.
    variables: async ({ admin, unique }) => ({
      id: (await admin(`mutation { createUser(input: { email: "upd-${unique()}@wrk.demo", name: "P" }) { id } }`)).data!.createUser.id,
    }),
  },
  {
    field: 'createToken',
    subgraph: 'identity',
    needs: needs('identity:write'),
    refusedFor: ['agentRead', 'agentWrite'],
    query: `mutation { createToken(input: { agentName: "matrix-bot", scopes: ["core:read"] }) { record { id scopes } } }`,
  },
  {
    field: 'revokeToken',
    subgraph: 'identity',
    needs: needs('identity:write'),
    refusedFor: ['agentRead', 'agentWrite'],
    query: `mutation ($id: ID!) { revokeToken(id: $id) { id revokedAt } }`,
    // Each principal revokes a token of their own user (agents act for staff).
    variables: async ({ stack }, principal) => {
      const email = principal === 'admin' ? 'admin@wrk.demo' : principal === 'restricted' ? 'restricted@wrk.demo' : 'staff@wrk.demo';
      const token = await stack.token(email);
      const mine = await stack.graphql<{ tokens: { id: string }[] }>('{ tokens { id } }', {}, stack.as(token));
      return { id: mine.data!.tokens[0]!.id };
    },
  },
  {
    field: 'grantPermission',
    subgraph: 'identity',
    needs: needs('identity:admin'),
    query: `mutation { grantPermission(input: { entityId: "${DEMO.grants.confidential}", subjectType: ROLE, subjectId: "admin", permission: READ }) { id } }`,
    variables: async ({ admin }) => {
      // Idempotence: remove an earlier identical grant so each run can create it.
      const existing = await admin(`{ entityPermissions(entityId: "${DEMO.grants.confidential}") { id subjectType } }`);
      for (const permission of existing.data!.entityPermissions as { id: string; subjectType: string }[]) {
        if (permission.subjectType === 'ROLE') await admin(`mutation { revokePermission(id: "${permission.id}") { id } }`);
      }
      return {};
    },
  },
  {
    field: 'revokePermission',
    subgraph: 'identity',
    needs: needs('identity:admin'),
    query: `mutation ($id: ID!) { revokePermission(id: $id) { id } }`,
    variables: async ({ admin, unique }) => {
      const team = (await admin(`mutation { createTeam(input: { name: "G", slug: "g-${unique()}" }) { id } }`)).data!.createTeam.id;
      const grant = await admin(
        `mutation { grantPermission(input: { entityId: "${DEMO.decisions.layoffs}", subjectType: TEAM, subjectId: "${team}", permission: READ }) { id } }`,
      );
      return { id: grant.data!.grantPermission.id };
    },
  },
  // core
  {
    field: 'node',
    subgraph: 'core',
    needs: needs('core:read', 'identity:read', 'files:read', 'agents:read'),
    query: `query ($id: ID!) { node(id: $id) { id } }`,
    variables: () => ({ id: DEMO.contracts.acmeMsa }),
  },
  {
    field: 'nodes',
    subgraph: 'core',
    needs: needs('core:read', 'identity:read', 'files:read', 'agents:read'),
    query: `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
    variables: () => ({ ids: [DEMO.people.ada, DEMO.projects.platform] }),
  },
  byId('person', 'core', 'core:read', DEMO.people.ada),
  list('people', 'core', 'core:read'),
  byId('organization', 'core', 'core:read', DEMO.organizations.acme),
  list('organizations', 'core', 'core:read'),
  byId('meeting', 'core', 'core:read', RESTRICTED.meeting, true),
  list('meetings', 'core', 'core:read'),
  byId('project', 'core', 'core:read', RESTRICTED.project, true),
  list('projects', 'core', 'core:read'),
  byId('contract', 'core', 'core:read', RESTRICTED.contract, true),
  list('contracts', 'core', 'core:read'),
  byId('trip', 'core', 'core:read', DEMO.trips.berlin),
  list('trips', 'core', 'core:read'),
  byId('grant', 'core', 'core:read', RESTRICTED.grant, true),
  list('grants', 'core', 'core:read'),
  byId('action', 'core', 'core:read', DEMO.actions.sendDraft),
  list('actions', 'core', 'core:read'),
  byId('decision', 'core', 'core:read', RESTRICTED.decision, true),
  list('decisions', 'core', 'core:read'),
  // The demo link from the MSA to its signed copy in Box: hidden from whoever the Box ACL hides the file from.
  { ...byId('entityLink', 'core', 'core:read', 'lnk_demomsafile0001'), onlyFor: IN_BOX_ACL },
  { ...list('entityLinks', 'core', 'core:read'), needs: [['core:read', 'identity:admin']] },
  {
    field: 'createPerson',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation { createPerson(input: { fullName: "Matrix Person" }) { id } }`,
  },
  {
    field: 'createOrganization',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation { createOrganization(input: { name: "Matrix Org" }) { id } }`,
  },
  {
    field: 'createMeeting',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation { createMeeting(input: { title: "Matrix meeting", startsAt: "2026-12-01T10:00:00Z" }) { id } }`,
  },
  {
    field: 'createProject',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation { createProject(input: { name: "Matrix project", parentId: "${DEMO.projects.platform}" }) { id } }`,
  },
  {
    field: 'createContract',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation { createContract(input: { title: "Matrix contract", organizationId: "${DEMO.organizations.acme}", value: { amount: "10.00", currency: "EUR" } }) { id } }`,
  },
  {
    field: 'createTrip',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation { createTrip(input: { title: "Matrix trip" }) { id } }`,
  },
  {
    field: 'createGrant',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation { createGrant(input: { title: "Matrix grant" }) { id } }`,
  },
  {
    field: 'createAction',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation { createAction(input: { title: "Matrix action", meetingId: "${DEMO.meetings.kickoff}" }) { id } }`,
  },
  {
    field: 'createDecision',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation { createDecision(input: { title: "Matrix decision", projectId: "${DEMO.projects.platform}" }) { id } }`,
  },
  {
    field: 'createEntityLink',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation ($type: String!) { createEntityLink(from: "${DEMO.people.ada}", to: "${DEMO.projects.platform}", linkType: $type) { id } }`,
    variables: ({ unique }) => ({ type: `matrix_${unique()}` }),
  },
  {
    field: 'auditLog',
    subgraph: 'core',
    needs: needs('core:read'),
    query: `{ auditLog(entity: "${DEMO.contracts.acmeMsa}") { id } }`,
  },
  ...UPDATES.map(([typename, id, input]): Case => ({
    field: `update${typename}`,
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation ($id: ID!) { update${typename}(id: $id, input: ${input}) { id } }`,
    variables: () => ({ id }),
  })),
  ...ARCHIVES.map(([typename, create]): Case => ({
    field: `archive${typename}`,
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation ($id: ID!) { archive${typename}(id: $id) { id } }`,
    // A fresh internal entity made by admin for each principal to archive.
    variables: async ({ admin }) => ({ id: (await admin(`mutation { ${create} { id } }`)).data![`create${typename}`].id }),
  })),
  {
    field: 'addRelation',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation ($person: ID!) { addRelation(input: { relation: ORGANIZATION_PERSON, fromId: "${DEMO.organizations.acme}", toId: $person, role: "advisor" }) { id } }`,
    variables: async ({ admin }) => ({
      person: (await admin('mutation { createPerson(input: { fullName: "Related" }) { id } }')).data!.createPerson.id,
    }),
  },
  {
    field: 'removeRelation',
    subgraph: 'core',
    needs: needs('core:write'),
    query: `mutation ($person: ID!) { removeRelation(input: { relation: ORGANIZATION_PERSON, fromId: "${DEMO.organizations.acme}", toId: $person }) { id } }`,
    variables: async ({ admin }) => {
      const person = (await admin('mutation { createPerson(input: { fullName: "Unrelated" }) { id } }')).data!.createPerson.id;
      await admin(
        `mutation { addRelation(input: { relation: ORGANIZATION_PERSON, fromId: "${DEMO.organizations.acme}", toId: "${person}" }) { id } }`,
      );
      return { person };
    },
  },
  // files
  { ...byId('boxItem', 'files', 'files:read', DEMO.boxItems.contractsFolder), onlyFor: IN_BOX_ACL },
  list('boxItems', 'files', 'files:read'),
  { ...byId('projectDocument', 'files', 'files:read', DEMO.projectDocuments.acmeMsa), onlyFor: IN_BOX_ACL },
  list('projectDocuments', 'files', 'files:read'),
  { ...byId('kbChunk', 'files', 'files:read', DEMO.kbChunks.msa0), onlyFor: IN_BOX_ACL },
  list('kbChunks', 'files', 'files:read'),
  { ...byId('boxWebhookEvent', 'files', 'files:read', DEMO.boxWebhookEvents.msaUploaded), onlyFor: ['admin'] },
  list('boxWebhookEvents', 'files', 'files:read'),
  {
    field: 'searchDocuments',
    subgraph: 'files',
    needs: needs('files:read'),
    query: `{ searchDocuments(query: "fees", first: 5) { totalCount nodes { score snippet } } }`,
  },
  {
    field: 'createProjectDocument',
    subgraph: 'files',
    needs: needs('files:write'),
    query: `mutation { createProjectDocument(input: { title: "Matrix doc", entityId: "${DEMO.projects.platform}", boxItemId: "${DEMO.boxItems.acmeMsaFile}" }) { id } }`,
  },
  {
    field: 'updateProjectDocument',
    subgraph: 'files',
    needs: needs('files:write'),
    query: `mutation ($id: ID!) { updateProjectDocument(id: $id, input: { title: "Matrix doc, renamed" }) { id } }`,
    variables: async (ctx) => ({ id: await matrixDocument(ctx) }),
  },
  {
    field: 'archiveProjectDocument',
    subgraph: 'files',
    needs: needs('files:write'),
    query: `mutation ($id: ID!) { archiveProjectDocument(id: $id) { id } }`,
    variables: async (ctx) => ({ id: await matrixDocument(ctx) }),
  },
  {
    field: 'createKbChunk',
    subgraph: 'files',
    needs: needs('files:write'),
    query: `mutation { createKbChunk(input: { documentId: "${DEMO.projectDocuments.acmeMsa}", content: "More text." }) { id } }`,
  },
  {
    field: 'updateKbChunk',
    subgraph: 'files',
    needs: needs('files:write'),
    query: `mutation ($id: ID!) { updateKbChunk(id: $id, input: { content: "Changed text." }) { id } }`,
    variables: async (ctx) => ({ id: await matrixChunk(ctx) }),
  },
  {
    field: 'archiveKbChunk',
    subgraph: 'files',
    needs: needs('files:write'),
    query: `mutation ($id: ID!) { archiveKbChunk(id: $id) { id } }`,
    variables: async (ctx) => ({ id: await matrixChunk(ctx) }),
  },
  // agents
  byId('agentRun', 'agents', 'agents:read', DEMO.agentRuns.review),
  list('agentRuns', 'agents', 'agents:read'),
  byId('agentStep', 'agents', 'agents:read', DEMO.agentSteps.read),
  list('agentSteps', 'agents', 'agents:read'),
  byId('agentApproval', 'agents', 'agents:read', DEMO.agentApprovals.renewal),
  list('agentApprovals', 'agents', 'agents:read'),
  // Cites the Acme MSA file: shown only to those who may see all of its sources (issue 8).
  { ...byId('knowledgeFact', 'agents', 'agents:read', DEMO.knowledgeFacts.billing), onlyFor: IN_BOX_ACL },
  list('knowledgeFacts', 'agents', 'agents:read'),
  // Cites the Acme MSA file: shown only to those who may see all of its sources (issue 8).
  { ...byId('knowledgeInsight', 'agents', 'agents:read', DEMO.knowledgeInsights.renewal), onlyFor: IN_BOX_ACL },
  list('knowledgeInsights', 'agents', 'agents:read'),
  {
    field: 'startRun',
    subgraph: 'agents',
    needs: needs('agents:write'),
    query: `mutation ($agent: String) { startRun(input: { agentName: $agent, task: "t", model: "m" }) { id } }`,
    variables: (_ctx, principal) => ({ agent: principal.startsWith('agent') ? null : 'matrix-bot' }),
  },
  {
    field: 'appendStep',
    subgraph: 'agents',
    needs: needs('agents:write'),
    query: `mutation ($run: ID!, $refs: [SourceRefInput!]!) { appendStep(runId: $run, input: { tool: "read", sourceRefs: $refs }) { id } }`,
    variables: async (ctx, principal) => ({ run: await ctx.ownRun(principal), refs: sourceRefs }),
  },
  {
    field: 'finishRun',
    subgraph: 'agents',
    needs: needs('agents:write'),
    query: `mutation ($run: ID!) { finishRun(runId: $run, input: { status: SUCCEEDED, tokens: 10, costUsd: "0.01" }) { id status } }`,
    variables: async (ctx, principal) => ({ run: await ctx.ownRun(principal) }),
  },
  {
    field: 'createKnowledgeFact',
    subgraph: 'agents',
    needs: needs('agents:write'),
    query: `mutation ($refs: [SourceRefInput!]!) { createKnowledgeFact(input: { subjectId: "${DEMO.contracts.acmeMsa}", predicate: "p", value: "v", confidence: 0.5, sourceRefs: $refs }) { id } }`,
    variables: () => ({ refs: sourceRefs }),
  },
  {
    field: 'deprecateFact',
    subgraph: 'agents',
    needs: needs('agents:write'),
    query: `mutation ($id: ID!) { deprecateFact(id: $id, reason: "wrong") { id status } }`,
    variables: async (ctx) => ({ id: await matrixFact(ctx) }),
  },
  {
    field: 'supersedeFact',
    subgraph: 'agents',
    needs: needs('agents:write'),
    query: `mutation ($id: ID!, $refs: [SourceRefInput!]!) { supersedeFact(id: $id, input: { subjectId: "${DEMO.contracts.acmeMsa}", predicate: "p", value: "v2", confidence: 0.5, sourceRefs: $refs }) { id } }`,
    variables: async (ctx) => ({ id: await matrixFact(ctx), refs: sourceRefs }),
  },
  {
    field: 'submitInsight',
    subgraph: 'agents',
    needs: needs('agents:write'),
    query: `mutation ($id: ID!) { submitInsight(id: $id) { id reviewState } }`,
    variables: async (ctx) => ({ id: await matrixInsight(ctx, false) }),
  },
  {
    field: 'reviewInsight',
    subgraph: 'agents',
    needs: needs('agents:write'),
    query: `mutation ($id: ID!) { reviewInsight(id: $id, decision: APPROVE) { id reviewState } }`,
    variables: async (ctx) => ({ id: await matrixInsight(ctx, true) }),
    // A human gate: agent tokens are refused by the subgraph.
    refusedFor: ['agentWrite'],
  },
  {
    field: 'createKnowledgeInsight',
    subgraph: 'agents',
    needs: needs('agents:write'),
    query: `mutation ($refs: [SourceRefInput!]!) { createKnowledgeInsight(input: { title: "t", body: "b", sourceRefs: $refs }) { id } }`,
    variables: () => ({ refs: sourceRefs }),
  },
];

CASES.push(
  list('approvals', 'agents', 'agents:read', ', status: PENDING'),
  {
    field: 'approveApproval',
    subgraph: 'agents',
    needs: needs('agents:write'),
    // Only people decide approvals, never an agent token.
    refusedFor: ['agentRead', 'agentWrite'],
    query: `mutation ($id: ID!) { approveApproval(id: $id) { id status } }`,
    variables: async (ctx) => ({ id: await ctx.propose() }),
  },
  {
    field: 'rejectApproval',
    subgraph: 'agents',
    needs: needs('agents:write'),
    refusedFor: ['agentRead', 'agentWrite'],
    query: `mutation ($id: ID!) { rejectApproval(id: $id, reason: "matrix") { id status } }`,
    variables: async (ctx) => ({ id: await ctx.propose() }),
  },
);

CASES.push({
  field: 'requestApproval',
  subgraph: 'agents',
  needs: needs('agents:write'),
  query: `mutation ($refs: [SourceRefInput!]!) { requestApproval(input: { action: "update_contract", targetId: "${DEMO.contracts.acmeMsa}",
    payload: { status: "ACTIVE" }, sourceRefs: $refs }) { id status } }`,
  variables: () => ({ refs: sourceRefs }),
});

/** Sensitive writes by the approval policy (issue 11), written out: an agent's is held, not applied. */
const HELD_FOR_AGENTS = new Set([
  'createContract',
  'updateContract',
  'archiveContract',
  'archivePerson',
  'archiveOrganization',
  'archiveMeeting',
  'archiveProject',
  'archiveTrip',
  'archiveGrant',
  'archiveAction',
  'archiveDecision',
  'archiveProjectDocument',
  'archiveKbChunk',
  // A fact's deprecation is its archive.
  'deprecateFact',
]);
for (const testCase of CASES) if (HELD_FOR_AGENTS.has(testCase.field)) testCase.heldForAgents = true;

function rootFieldsOfSchema(): string[] {
  const fields: string[] = [];
  for (const subgraph of SUBGRAPHS) {
    const document = parse(subgraphSdl(subgraph));
    for (const definition of document.definitions) {
      if (
        (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
        (definition.name.value === 'Query' || definition.name.value === 'Mutation')
      ) {
        fields.push(...(definition.fields ?? []).map((field) => field.name.value));
      }
    }
  }
  return fields.sort();
}

const allowedBy = (principal: Principal, testCase: Case) =>
  testCase.needs.some((all) => all.every((scope) => HOLDS[principal].includes(scope))) && !testCase.refusedFor?.includes(principal);

const [kind] = databaseKinds();

describe(`authorization matrix (${kind} Postgres)`, () => {
  let stack: TestStack;
  let setup: Setup;
  const headers = {} as Record<Principal, Record<string, string>>;
  let counter = 0;
  /** The writing agent's provenance (issue 11): its own open run and a source, sent with each of its mutations. */
  let agentProvenance: Record<string, unknown> = {};

  beforeAll(async () => {
    stack = await startTestStack(kind!);
    const adminHeaders = stack.as(await stack.token('admin@wrk.demo'));
    setup = {
      stack,
      admin: (query, variables) => stack.graphql(query, variables, adminHeaders),
      propose: () => Promise.reject(new Error('set below')),
      unique: () => `${Date.now().toString(36)}${(counter++).toString(36)}`,
      ownRun: async (principal) => {
        const starter = HOLDS[principal].includes('agents:write') && principal !== 'direct' ? principal : 'admin';
        const started = await stack.graphql<{ startRun: { id: string } }>(
          `mutation ($agent: String) { startRun(input: { agentName: $agent, task: "t", model: "m" }) { id } }`,
          { agent: starter.startsWith('agent') ? null : 'matrix-bot' },
          headers[starter],
        );
        return started.data!.startRun.id;
      },
    };
    headers.anonymous = {};
    headers.admin = adminHeaders;
    headers.staff = stack.as(await stack.token('staff@wrk.demo'));
    headers.restricted = stack.as(await stack.token('restricted@wrk.demo'));
    headers.agentRead = stack.as(await stack.token('staff@wrk.demo', { agent: 'reader', scopes: AGENT_READ_SCOPES }));
    headers.agentWrite = stack.as(await stack.token('staff@wrk.demo', { agent: 'writer', scopes: AGENT_WRITE_SCOPES }));
    const agentRun = await stack.graphql<{ startRun: { id: string } }>(
      `mutation { startRun(input: { task: "matrix", model: "m" }) { id } }`,
      {},
      headers.agentWrite,
    );
    agentProvenance = { wrk: { runId: agentRun.data!.startRun.id, sourceRefs } };
    setup.propose = async () => {
      const held = await postGraphQL(
        stack.gatewayUrl,
        `mutation { updateContract(id: "${DEMO.contracts.acmeMsa}", input: { title: "Proposed ${setup.unique()}" }) { id } }`,
        {},
        headers.agentWrite,
        agentProvenance,
      );
      return String(held.errors?.[0]?.extensions?.approvalId);
    };
    headers.expired = stack.as(await stack.token('staff@wrk.demo', { ttlSeconds: 1 }));
    const revoked = await stack.token('staff@wrk.demo');
    const revokedId = (await stack.graphql<{ tokens: { id: string }[] }>('{ tokens { id } }', {}, stack.as(revoked))).data!.tokens[0]!.id;
    await setup.admin(`mutation { revokeToken(id: "${revokedId}") { id } }`);
    headers.revoked = stack.as(revoked);
    const { privateKey } = await generateKeyPair('ES256');
    const realKid = JSON.parse(Buffer.from(revoked.split('.')[0]!, 'base64url').toString()).kid as string;
    headers.forged = stack.as(
      await new SignJWT({ kind: 'staff' })
        .setProtectedHeader({ alg: 'ES256', kid: realKid })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setSubject(DEMO.users.admin)
        .setJti('forged')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    );
    headers.direct = headers.admin;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // let the 1 s token expire
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('covers every query and mutation of the schema', () => {
    expect(CASES.map((c) => c.field).sort()).toEqual(rootFieldsOfSchema());
  });

  async function run(principal: Principal, testCase: Case) {
    const variables = (await testCase.variables?.(setup, principal)) ?? {};
    if (principal === 'direct') {
      // Straight to the owning subgraph with a valid bearer token but without the gateway's signature.
      return postGraphQL<Record<string, any>>(stack.subgraphUrls[testCase.subgraph], testCase.query, variables, headers.admin);
    }
    if (principal === 'agentWrite' && testCase.query.startsWith('mutation')) {
      return postGraphQL<Record<string, any>>(stack.gatewayUrl, testCase.query, variables, headers.agentWrite, agentProvenance);
    }
    return stack.graphql<Record<string, any>>(testCase.query, variables, headers[principal]);
  }

  describe.each(PRINCIPALS)('as %s', (principal) => {
    it.each(CASES.map((c) => [c.field, c] as const))('%s', async (_field, testCase) => {
      const result = await run(principal, testCase);
      if (REFUSED.includes(principal)) {
        expect(result.status).toBe(401);
        expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(result.data ?? null).toBeNull();
        return;
      }
      if (!allowedBy(principal, testCase)) {
        expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(result.data?.[testCase.field] ?? null).toBeNull();
        if (!testCase.refusedFor?.includes(principal)) {
          // Refused by the gateway before planning (no data at all), naming the field.
          expect(result.data).toBeUndefined();
          expect(result.errors?.[0]?.extensions?.fields).toEqual(expect.arrayContaining([expect.stringMatching(`\\.${testCase.field}$`)]));
        }
        return;
      }
      const hidden =
        (testCase.restrictedId && !SEES[principal].includes(testCase.restrictedId)) ||
        (testCase.onlyFor && !testCase.onlyFor.includes(principal));
      if (hidden) {
        expect(result.data?.[testCase.field] ?? null).toBeNull();
        expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
        return;
      }
      if (principal === 'agentWrite' && testCase.heldForAgents) {
        expect(result.data?.[testCase.field] ?? null).toBeNull();
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'APPROVAL_REQUIRED', approvalId: expect.stringMatching(/^apr_/) });
        return;
      }
      expect(result.errors).toBeUndefined();
      expect(result.data?.[testCase.field]).toBeTruthy();
      const page = result.data![testCase.field] as { totalCount?: number; nodes?: { id: string }[] };
      if (page.nodes) {
        expect(page.totalCount).toBe(page.nodes.length);
        const restrictedSeen = page.nodes.map((n) => n.id).filter((id) => ALL_RESTRICTED.includes(id));
        expect(restrictedSeen.sort()).toEqual(SEES[principal].filter((id) => sameKind(id, testCase.field)).sort());
      }
    });
  });

  /** Whether a restricted ID belongs in the list a field returns (contracts → ctr_…). */
  function sameKind(id: string, field: string): boolean {
    const prefixOfField: Record<string, string> = { projects: 'prj', contracts: 'ctr', grants: 'gnt', meetings: 'mtg', decisions: 'dec' };
    return prefixOfField[field] === id.split('_')[0];
  }

  it('subgraphs check scopes again: a signed request whose claims lack the scope is refused by the subgraph', async () => {
    const claims = {
      kind: 'agent' as const,
      agent: 'reader',
      sub: DEMO.users.staff,
      role: 'staff',
      scopes: ['files:read'],
      teams: [],
      requestId: 'matrix',
    };
    const result = await stack.direct<{ contracts: unknown }>('core', '{ contracts { totalCount } }', {}, claims);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.data?.contracts ?? null).toBeNull();
  });

  describe.each(AUTHENTICATED)('restricted entities through every other read path, as %s', (principal) => {
    it.each(ALL_RESTRICTED.map((id) => [id] as const))('%s via node, nodes and links', async (id) => {
      const visible = SEES[principal].includes(id);
      const node = await stack.graphql<{ node: { id: string } | null }>(`{ node(id: "${id}") { id } }`, {}, headers[principal]);
      expect(node.data?.node ?? null).toEqual(visible ? { id } : null);
      if (!visible) expect(node.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const nodes = await stack.graphql<{ nodes: ({ id: string } | null)[] }>(`{ nodes(ids: ["${id}"]) { id } }`, {}, headers[principal]);
      expect(nodes.data?.nodes).toEqual([visible ? { id } : null]);
    });

    it('sees links into restricted entities only when it sees their targets', async () => {
      const result = await stack.graphql<{ contract: { links: { toId: string; to: { id: string } | null }[] } }>(
        `{ contract(id: "${DEMO.contracts.acmeMsa}") { links { toId to { id } } } }`,
        {},
        headers[principal],
      );
      const targets = result.data!.contract.links.map((link) => link.toId);
      expect(targets.includes(DEMO.contracts.northwindSow)).toBe(SEES[principal].includes(DEMO.contracts.northwindSow));
      expect(result.data!.contract.links.every((link) => link.to?.id === link.toId)).toBe(true);
    });

    it('cannot reference a restricted entity it does not see when writing', async () => {
      if (!HOLDS[principal].includes('core:write')) return;
      const result = await stack.graphql<{ createContract: { id: string } | null }>(
        `mutation { createContract(input: { title: "Sneaky", organizationId: "${DEMO.organizations.northwind}", projectId: "${RESTRICTED.project}" }) { id } }`,
        {},
        headers[principal],
      );
      if (SEES[principal].includes(RESTRICTED.project)) {
        expect(result.errors).toBeUndefined();
      } else {
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'projectId' });
      }
    });

    it('gets null from _entities for a restricted entity it does not see, even on a correctly signed request', async () => {
      const identityDb = createIdentityDb(stack.databaseUrl);
      try {
        const token = headers[principal].authorization!.replace('Bearer ', '');
        const claims = await sessionClaims(identityDb, token, 'matrix');
        const result = await stack.direct<{ _entities: ({ id: string; title: string } | null)[] }>(
          'core',
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Contract { id title } } }',
          {
            r: [
              { __typename: 'Contract', id: RESTRICTED.contract },
              { __typename: 'Contract', id: DEMO.contracts.acmeMsa },
            ],
          },
          claims,
        );
        const [restricted, open] = result.data!._entities;
        expect(restricted ?? null).toEqual(
          SEES[principal].includes(RESTRICTED.contract) ? expect.objectContaining({ id: RESTRICTED.contract }) : null,
        );
        expect(open).toMatchObject({ id: DEMO.contracts.acmeMsa });
      } finally {
        await identityDb.$disconnect();
      }
    });
  });
});
