import { DEMO } from '@wrk/demo';
import { ENTITY_TYPES } from '@wrk/catalog';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { steadyWorkOf } from '../bench/fixture.ts';

describe.each(databaseKinds())('the federated graph on %s Postgres', (kind) => {
  let stack: TestStack;
  let graphql: TestStack['graphql'];

  beforeAll(async () => {
    stack = await startTestStack(kind);
    const admin = stack.as(await stack.token('admin@wrk.demo'));
    graphql = (query, variables, headers) => stack.graphql(query, variables, { ...admin, ...headers });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('resolves a contract’s links to a Box file and an agent run with fields from their owning subgraphs', async () => {
    const { data, errors } = await graphql<{
      contracts: { nodes: { id: string; title: string; links: { linkType: string; to: Record<string, unknown> | null }[] }[] };
    }>(`
      {
        contracts(first: 5) {
          nodes {
            id
            title
            links {
              linkType
              to {
                __typename
                id
                ... on BoxItem {
                  name
                }
                ... on AgentRun {
                  status
                }
              }
            }
          }
        }
      }
    `);
    expect(errors).toBeUndefined();
    const msa = data!.contracts.nodes.find((contract) => contract.id === DEMO.contracts.acmeMsa)!;
    expect(msa.title).toBe('Acme Master Services Agreement');
    expect(msa.links).toEqual(
      expect.arrayContaining([
        { linkType: 'signed_copy', to: { __typename: 'BoxItem', id: DEMO.boxItems.acmeMsaFile, name: 'Acme MSA 2026.pdf' } },
        { linkType: 'reviewed_by', to: { __typename: 'AgentRun', id: DEMO.agentRuns.review, status: 'SUCCEEDED' } },
      ]),
    );
  });

  it('navigates back: a Box file and an agent run list their links to the contract, with its fields from core', async () => {
    const { data, errors } = await graphql<{ node: { name: string; links: { from: { id: string; title: string } }[] } }>(
      `
        query ($id: ID!) {
          node(id: $id) {
            ... on BoxItem {
              name
              links(direction: INCOMING) {
                from {
                  id
                  ... on Contract {
                    title
                  }
                }
              }
            }
          }
        }
      `,
      { id: DEMO.boxItems.acmeMsaFile },
    );
    expect(errors).toBeUndefined();
    expect(data!.node.links).toContainEqual({ from: { id: DEMO.contracts.acmeMsa, title: 'Acme Master Services Agreement' } });

    const run = await graphql<{
      agentRun: { agentName: string; links: { linkType: string; from: { id: string } | null; to: { id: string; name?: string } | null }[] };
    }>(
      `
        query ($id: ID!) {
          agentRun(id: $id) {
            agentName
            links {
              linkType
              from {
                id
              }
              to {
                id
                ... on Project {
                  name
                }
              }
            }
          }
        }
      `,
      { id: DEMO.agentRuns.review },
    );
    expect(run.errors).toBeUndefined();
    expect(run.data!.agentRun.links).toEqual(
      expect.arrayContaining([
        { linkType: 'reviewed_by', from: { id: DEMO.contracts.acmeMsa }, to: { id: DEMO.agentRuns.review } },
        { linkType: 'context', from: { id: DEMO.agentRuns.review }, to: { id: DEMO.projects.platform, name: 'Acme Platform Rollout' } },
      ]),
    );
  });

  it('creates a link between entities of two other subgraphs and resolves both ends', async () => {
    const created = await graphql<{ createEntityLink: { id: string; from: { email: string }; to: { name: string } } }>(
      `
        mutation ($from: ID!, $to: ID!) {
          createEntityLink(from: $from, to: $to, linkType: "owns_file") {
            id
            from {
              ... on User {
                email
              }
            }
            to {
              ... on BoxItem {
                name
              }
            }
          }
        }
      `,
      { from: DEMO.users.admin, to: DEMO.boxItems.acmeMsaFile },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createEntityLink).toMatchObject({
      id: expect.stringMatching(/^lnk_[0-9a-z]+$/),
      from: { email: 'admin@wrk.demo' },
      to: { name: 'Acme MSA 2026.pdf' },
    });
    const user = await graphql<{ user: { links: { linkType: string }[] } }>(
      `
        query ($id: ID!) {
          user(id: $id) {
            links(linkType: "owns_file") {
              linkType
            }
          }
        }
      `,
      { id: DEMO.users.admin },
    );
    expect(user.data!.user.links).toEqual([{ linkType: 'owns_file' }]);
  });

  it('refuses a link to an entity that does not exist at its owner, and writes nothing', async () => {
    const before = await graphql<{ entityLinks: { totalCount: number } }>(`
      {
        entityLinks {
          totalCount
        }
      }
    `);
    const result = await graphql(
      `mutation { createEntityLink(from: "${DEMO.contracts.acmeMsa}", to: "box_doesnotexist000", linkType: "signed_copy") { id } }`,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'to' });
    const after = await graphql<{ entityLinks: { totalCount: number } }>(`
      {
        entityLinks {
          totalCount
        }
      }
    `);
    expect(after.data!.entityLinks.totalCount).toBe(before.data!.entityLinks.totalCount);
  });

  it('applies one rule to a link on every path: hidden when either end is hidden, exactly like a missing link', async () => {
    // Staff hold a read grant on the restricted Northwind SOW; the restricted user does not.
    const created = await graphql<{ createEntityLink: { id: string } }>(
      `
        mutation ($from: ID!, $to: ID!) {
          createEntityLink(from: $from, to: $to, linkType: "secret_party") {
            id
          }
        }
      `,
      { from: DEMO.people.grace, to: DEMO.contracts.northwindSow },
    );
    expect(created.errors).toBeUndefined();
    const link = created.data!.createEntityLink.id;
    const missing = 'lnk_missing0000000';
    const READS = `query ($id: ID!) {
      node(id: $id) { id ... on EntityLink { linkType } }
      nodes(ids: [$id]) { id }
      entityLink(id: $id) { id }
    }`;
    const as = async (email: string) => {
      const headers = stack.as(await stack.token(email));
      return (query: string, variables?: Record<string, unknown>) => stack.graphql<Record<string, any>>(query, variables, headers);
    };
    const staff = await as('staff@wrk.demo');
    const seen = await staff(READS, { id: link });
    expect(seen.errors).toBeUndefined();
    expect(seen.data).toEqual({ node: { id: link, linkType: 'secret_party' }, nodes: [{ id: link }], entityLink: { id: link } });

    const restricted = await as('restricted@wrk.demo');
    const shape = (result: Awaited<ReturnType<typeof restricted>>, id: string) => ({
      data: result.data,
      errors: result.errors?.map((error) => [error.path, error.extensions?.code, error.message.replaceAll(id, '<id>')]),
    });
    const hidden = await restricted(READS, { id: link });
    expect(JSON.stringify(hidden)).not.toContain('secret_party');
    expect(shape(hidden, link)).toEqual(shape(await restricted(READS, { id: missing }), missing));
    expect(hidden.data).toEqual({ node: null, nodes: [null], entityLink: null });
    // And the ends' own links.
    const ends = await restricted(`query ($id: ID!) { person(id: $id) { links(linkType: "secret_party") { id } } }`, {
      id: DEMO.people.grace,
    });
    expect(ends.data).toEqual({ person: { links: [] } });
    // Its audit trail too.
    const trail = await restricted(`query ($id: ID!) { auditLog(entity: $id) { id } }`, { id: link });
    expect(trail.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it.each(ENTITY_TYPES.map((type) => [type.typename, type.prefix] as const))(
    'node(id:) routes %s IDs (%s_) to their owner: an unknown one gives NOT_FOUND naming the ID',
    async (_typename, prefix) => {
      const id = `${prefix}_missing0000000`;
      const missing = await graphql<{ node: unknown }>(
        `
          query ($id: ID!) {
            node(id: $id) {
              id
            }
          }
        `,
        { id },
      );
      expect(missing.data?.node ?? null).toBeNull();
      expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(missing.errors?.[0]?.extensions?.id).toBe(id);
    },
  );

  it('gives INVALID_ID for a malformed ID or an unknown prefix', async () => {
    for (const id of ['garbage', 'zzz_abcdefgh', 'ctr_', '']) {
      const result = await graphql(
        `
          query ($id: ID!) {
            node(id: $id) {
              id
            }
          }
        `,
        { id },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_ID');
    }
    const wrongType = await graphql(
      `
        query ($id: ID!) {
          contract(id: $id) {
            id
          }
        }
      `,
      { id: DEMO.projects.platform },
    );
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('INVALID_ID');
  });
});

describe.each(databaseKinds())('node(id:) on every prefix, on %s Postgres', (kind) => {
  let stack: TestStack;
  let graphql: TestStack['graphql'];
  const existing: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startTestStack(kind);
    const admin = stack.as(await stack.token('admin@wrk.demo'));
    graphql = (query, variables, headers) => stack.graphql(query, variables, { ...admin, ...headers });
    const tokens = await graphql<{ tokens: { id: string }[] }>('{ tokens { id } }');
    const links = await graphql<{ entityLinks: { nodes: { id: string }[] } }>('{ entityLinks(first: 1) { nodes { id } } }');
    Object.assign(existing, {
      ApiToken: tokens.data!.tokens[0]!.id,
      EntityLink: links.data!.entityLinks.nodes[0]!.id,
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const demoIdOf: Record<string, () => string> = {
    User: () => DEMO.users.staff,
    Team: () => DEMO.teams.contracts,
    EntityPermission: () => DEMO.permissions.staffReadsNorthwindSow,
    ApiToken: () => existing.ApiToken!,
    Person: () => DEMO.people.ada,
    Organization: () => DEMO.organizations.acme,
    Meeting: () => DEMO.meetings.kickoff,
    Project: () => DEMO.projects.platform,
    Contract: () => DEMO.contracts.acmeMsa,
    Trip: () => DEMO.trips.berlin,
    Grant: () => DEMO.grants.innovation,
    Action: () => DEMO.actions.sendDraft,
    Decision: () => DEMO.decisions.goAhead,
    EntityLink: () => existing.EntityLink!,
    BoxItem: () => DEMO.boxItems.acmeMsaFile,
    BoxWebhookEvent: () => DEMO.boxWebhookEvents.msaUploaded,
    ProjectDocument: () => DEMO.projectDocuments.acmeMsa,
    KbChunk: () => DEMO.kbChunks.msa0,
    AgentRun: () => DEMO.agentRuns.review,
    AgentStep: () => DEMO.agentSteps.read,
    AgentApproval: () => DEMO.agentApprovals.renewal,
    KnowledgeFact: () => DEMO.knowledgeFacts.billing,
    KnowledgeInsight: () => DEMO.knowledgeInsights.renewal,
  };

  it('has an example for every entity type of the catalogue', () => {
    expect(Object.keys(demoIdOf).sort()).toEqual(ENTITY_TYPES.map((type) => type.typename).sort());
  });

  it.each(ENTITY_TYPES.map((type) => [type.typename, type.prefix] as const))(
    'returns the %s (%s_) with its __typename, alone and through nodes(ids:)',
    async (typename) => {
      const id = demoIdOf[typename]!();
      const one = await graphql<{ node: { __typename: string; id: string } }>('query ($id: ID!) { node(id: $id) { __typename id } }', {
        id,
      });
      expect(one.errors).toBeUndefined();
      expect(one.data!.node).toEqual({ __typename: typename, id });
      const many = await graphql<{ nodes: ({ id: string } | null)[] }>('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
        ids: [id, `${id.split('_')[0]}_missing0000000`],
      });
      expect(many.data!.nodes).toEqual([{ id }, null]);
      expect(many.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['nodes', 1], 'NOT_FOUND']]);
    },
  );
  it('reads a page’s links in both directions in one statement, and no row again for ends on the page itself', async () => {
    const created: string[] = [];
    for (const name of ['one-statement links A', 'one-statement links B']) {
      const { data, errors } = await graphql<{ createProject: { id: string } }>(
        'mutation ($name: String!) { createProject(input: { name: $name }) { id } }',
        { name },
      );
      expect(errors).toBeUndefined();
      created.push(data!.createProject.id);
    }
    const link = await graphql(
      'mutation ($from: ID!, $to: ID!) { createEntityLink(from: $from, to: $to, linkType: "depends_on") { id } }',
      {
        from: created[0],
        to: created[1],
      },
    );
    expect(link.errors).toBeUndefined();
    const page = (selection: string) => () =>
      graphql<{ projects: { nodes: { id: string; links?: { from: { id: string }; to: { id: string } }[] }[] } }>(
        `{ projects(first: 10, filter: { search: "one-statement links" }) { nodes { id ${selection} } } }`,
      );
    const bare = await steadyWorkOf(page(''));
    const linked = await steadyWorkOf(page('links { from { id } to { id } }'));
    expect(linked.result.errors).toBeUndefined();
    expect(linked.result.data!.projects.nodes.map((project) => project.links)).toEqual([
      [{ from: { id: created[0] }, to: { id: created[1] } }],
      [{ from: { id: created[0] }, to: { id: created[1] } }],
    ]);
    expect(linked.work.sql - bare.work.sql).toBe(1);
  });
});
