/**
 * A fleet that already runs Hive Gateway can serve WRK: Hive Gateway with the committed supergraph.graphql and WRK's
 * claims plugin (gateway/src/hive) answers the same operations as WRK's gateway with identical data, and refuses the
 * same callers with the same codes — in front of the same four subgraphs, which trust only the signed claims.
 */
import { readFileSync } from 'node:fs';
import type { RunningServer } from '@wrk/platform';
import { DEMO } from '@wrk/demo';
import { committedSupergraph } from '@wrk/gateway/compose';
import { startHiveGateway } from '@wrk/gateway/hive/server';
import { databaseKinds } from '../support/databases.ts';
import { postGraphQL, startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.ts';
import { waitFor } from '../support/waitFor.ts';

type Result = GraphQLResponse<Record<string, any>>;
type Headers = Record<string, string>;

const operation = (name: string) => readFileSync(new URL(`../../operations/${name}.graphql`, import.meta.url), 'utf8');

/** What must be the same through both gateways: status, data, and each error's path and code. */
const comparable = (result: Result) => ({
  status: result.status,
  data: result.data,
  errors: result.errors?.map((error) => ({ path: error.path, code: error.extensions?.code })),
});

const LINKED = `{
  contracts(first: 5) {
    nodes {
      id title status
      organization { id name }
      links { linkType to { __typename id ... on BoxItem { name } ... on AgentRun { agentName status } } }
    }
  }
}`;

describe.each(databaseKinds())('Hive Gateway with the claims plugin on %s Postgres', (kind) => {
  let stack: TestStack;
  let hive: RunningServer;
  let admin: Headers;
  let restricted: Headers;

  beforeAll(async () => {
    stack = await startTestStack(kind, { worker: false });
    hive = await startHiveGateway({
      supergraphSdl: committedSupergraph(),
      subgraphUrls: stack.subgraphUrls,
      keyring: stack.keyrings.gateway,
      databaseUrl: stack.databaseUrl,
    });
    admin = stack.as(await stack.token('admin@wrk.demo'));
    restricted = stack.as(await stack.token('restricted@wrk.demo'));
  });
  afterAll(async () => {
    await hive?.stop();
    await stack?.stop();
  });

  /** The operation through WRK's gateway, then through Hive. */
  const both = async (query: string, variables: Record<string, unknown>, headers: Headers) => [
    await postGraphQL<Record<string, any>>(stack.gatewayUrl, query, variables, headers),
    await postGraphQL<Record<string, any>>(hive.url, query, variables, headers),
  ];

  const sameAnswer = async (query: string, variables: Record<string, unknown>, headers: Headers) => {
    const [wrk, viaHive] = await both(query, variables, headers);
    expect(comparable(viaHive!)).toEqual(comparable(wrk!));
    return wrk!;
  };

  it('a single-subgraph list', async () => {
    const wrk = await sameAnswer('{ organizations(first: 20) { nodes { id name } } }', {}, admin);
    expect(wrk.data?.organizations.nodes.length).toBeGreaterThan(1);
  });

  it('a cross-subgraph dashboard and entity links to Box items and agent runs', async () => {
    const dashboard = await sameAnswer(operation('ProjectDashboard'), { id: DEMO.projects.platform }, admin);
    expect(dashboard.data?.project.contracts.length).toBeGreaterThan(0);
    const linked = await sameAnswer(LINKED, {}, admin);
    const targets = linked.data?.contracts.nodes.flatMap((contract: any) => contract.links.map((link: any) => link.to?.__typename));
    expect(targets).toEqual(expect.arrayContaining(['BoxItem', 'AgentRun']));
    const neighbourhood = await sameAnswer(operation('EntityNeighbourhood'), { id: DEMO.boxItems.acmeMsaFile }, admin);
    expect(neighbourhood.data?.node.links.length).toBeGreaterThan(0);
  });

  it('node, and a hidden node answered as missing to a restricted caller', async () => {
    const query = `query ($id: ID!) { node(id: $id) { __typename id ... on Contract { title } ... on BoxItem { name } } }`;
    const contract = await sameAnswer(query, { id: DEMO.contracts.acmeMsa }, admin);
    expect(contract.data?.node.title).toBe('Acme Master Services Agreement');
    expect((await sameAnswer(query, { id: DEMO.boxItems.acmeMsaFile }, admin)).data?.node.__typename).toBe('BoxItem');
    expect((await sameAnswer(query, { id: DEMO.decisions.layoffs }, restricted)).data?.node).toBeNull();
  });

  it('concurrent callers sending the same operation each get their own answer', async () => {
    // Hive's HTTP transport would share one in-flight subgraph request among identical ones (same URL and body) made
    // under different callers' claims; the server turns that off. `me` is the same subgraph request for every caller.
    const callers = [admin, restricted];
    const rounds = Array.from({ length: 30 }, (_, index) => callers[index % 2]!);
    const expected = rounds.map((headers) => (headers === admin ? 'admin@wrk.demo' : 'restricted@wrk.demo'));
    for (const url of [stack.gatewayUrl, hive.url]) {
      const answers = await Promise.all(rounds.map((headers) => postGraphQL<Record<string, any>>(url, '{ me { email } }', {}, headers)));
      expect(answers.map((answer) => answer.data?.me.email)).toEqual(expected);
    }
  });

  it('a mutation, and a refused one with the same code', async () => {
    const input = { title: 'Acme Master Services Agreement (rev. 2)' };
    const updated = await sameAnswer(operation('UpdateContract'), { id: DEMO.contracts.acmeMsa, input }, admin);
    expect(updated.data?.updateContract.title).toBe(input.title);
    // Refused before any subgraph is asked: the restricted user's token lacks the scope.
    const refused = await sameAnswer(operation('UpdateContract'), { id: DEMO.contracts.northwindSow, input }, restricted);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('an unauthenticated request: 401 with the same code and challenge', async () => {
    const [wrk, viaHive] = await both('{ organizations(first: 1) { nodes { id } } }', {}, {});
    expect(wrk!.status).toBe(401);
    expect(comparable(viaHive!)).toEqual(comparable(wrk!));
    const challenges = await Promise.all(
      [stack.gatewayUrl, hive.url].map(async (url) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"{ me { id } }"}',
        });
        return response.headers.get('www-authenticate');
      }),
    );
    expect(challenges[1]).toBe(challenges[0]);
    expect(challenges[0]).toMatch(/^Bearer realm=/);
    const bad = await both('{ organizations(first: 1) { nodes { id } } }', {}, { authorization: 'Bearer not-a-token' });
    expect(comparable(bad[1]!)).toEqual(comparable(bad[0]!));
    expect(bad[0]!.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a revoked token: refused by both', async () => {
    const token = stack.as(await stack.token('staff@wrk.demo'));
    await sameAnswer('{ me { id } }', {}, token);
    const id = (await stack.graphql<{ tokens: { id: string }[] }>('{ tokens { id } }', {}, token)).data!.tokens[0]!.id;
    expect((await stack.graphql('mutation ($id: ID!) { revokeToken(id: $id) { revokedAt } }', { id }, token)).errors).toBeUndefined();
    // Revocation reaches each gateway's session cache by a Postgres notification, within a second (README): the WRK
    // gateway is asked until it refuses, with slack, then both must answer alike.
    const refused = await waitFor(
      'the WRK gateway to refuse the revoked token',
      async () => {
        const wrk = await postGraphQL(stack.gatewayUrl, '{ me { id } }', {}, token);
        return wrk.status === 401 ? wrk : undefined;
      },
      5_000,
    );
    expect(refused.status).toBe(401);
    await sameAnswer('{ me { id } }', {}, token);
  });
});
