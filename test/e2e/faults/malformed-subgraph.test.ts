/**
 * A subgraph answering malformed or huge responses (production shape): a real HTTP server stands in for files at the
 * gateway (FILES_URL of the gateway only; core still checks link ends at the real files). Whatever files answers,
 * core's fields are answered and only the fields files owns are null, each with an error at its path.
 */
import { readFileSync } from 'node:fs';
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../../support/databases.ts';
import { startSubgraphStandIn, type SubgraphStandIn } from '../../support/faults.ts';
import { startProductionStack, type ProductionStack } from '../../support/production.ts';
import { postGraphQL, type GraphQLResponse } from '../../support/stack.ts';

const [kind] = databaseKinds();

const CONTRACT_AND_PROJECT = `query ($contract: ID!, $project: ID!) {
  contract(id: $contract) { id title links { linkType toId to { __typename id ... on BoxItem { name } } } }
  project(id: $project) { id name documents { id title } } }`;

interface ContractAnswer {
  contract: {
    id: string;
    title: string;
    links: { linkType: string; toId: string; to: { __typename: string; id: string; name?: string } | null }[];
  } | null;
  project: { id: string; name: string; documents: { id: string; title: string }[] | null } | null;
}

/** Peak resident memory of a process, in bytes (Linux). */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB$/m);
  return Number(line?.[1] ?? 0) * 1024;
}

describe(`a subgraph answering malformed or huge responses (${kind} Postgres, production shape)`, () => {
  let stack: ProductionStack;
  let files: SubgraphStandIn;
  let token: string;
  const ask = (): Promise<GraphQLResponse<ContractAnswer>> =>
    postGraphQL<ContractAnswer>(
      stack.gatewayUrl,
      CONTRACT_AND_PROJECT,
      { contract: DEMO.contracts.acmeMsa, project: DEMO.projects.platform },
      { authorization: `Bearer ${token}` },
    );

  beforeAll(async () => {
    files = await startSubgraphStandIn();
    stack = await startProductionStack(kind!, { envOf: { gateway: { FILES_URL: files.url } } });
    files.target = `${stack.services.files.url}/graphql`;
    token = await stack.token();
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    await files?.close();
  });

  beforeEach(() => {
    files.mode = 'forward';
    files.answered = 0;
  });

  /** The contract with files' answers as they should be, to compare the degraded ones with. */
  async function fullAnswer() {
    const answer = await ask();
    expect(answer.errors).toBeUndefined();
    const { contract, project } = answer.data!;
    expect(contract!.links.some((link) => link.to?.__typename === 'BoxItem')).toBe(true);
    expect(project!.documents?.length).toBeGreaterThan(0);
    return { contract: contract!, project: project! };
  }

  /** Core's fields answered, every link kept, files' fields null with a `code` error at their path. */
  function expectContained(answer: GraphQLResponse<ContractAnswer>, full: Awaited<ReturnType<typeof fullAnswer>>, code: string) {
    const { contract, project } = answer.data ?? {};
    expect(contract).toMatchObject({ id: full.contract.id, title: full.contract.title });
    expect(project).toMatchObject({ id: full.project.id, name: full.project.name, documents: null });
    const links = full.contract.links;
    expect(contract!.links.map((link) => [link.linkType, link.toId])).toEqual(links.map((link) => [link.linkType, link.toId]));
    const fromFiles = links.flatMap((link, index) => (link.to?.__typename === 'BoxItem' ? [index] : []));
    // The field files was asked for (BoxItem.name is non-null: `to` is null in its place).
    const expectedPaths = [...fromFiles.map((index) => ['contract', 'links', index, 'to', 'name']), ['project', 'documents']];
    contract!.links.forEach((link, index) => expect(link.to).toEqual(fromFiles.includes(index) ? null : links[index]!.to));
    expect(answer.errors?.map((error) => error.path)).toEqual(expect.arrayContaining(expectedPaths));
    for (const error of answer.errors ?? []) {
      expect(error.extensions?.code).toBe(code);
      expect(expectedPaths).toContainEqual(error.path);
    }
  }

  it('contains `_entities: "garbage"` to the fields files owns', async () => {
    const full = await fullAnswer();
    files.mode = 'garbage';
    expectContained(await ask(), full, 'SUBGRAPH_RESPONSE_INVALID');
    expect(files.answered).toBeGreaterThan(0);
  }, 120_000);

  it('reports `_entities: [null, …]` at the paths of the missing entities instead of dropping them silently', async () => {
    const full = await fullAnswer();
    files.mode = 'nulls';
    expectContained(await ask(), full, 'NOT_FOUND');
  }, 120_000);

  it('aborts a 50 MB response at the size limit, ten at once, with bounded memory', async () => {
    const full = await fullAnswer();
    files.mode = 'huge';
    const answers = await Promise.all(Array.from({ length: 10 }, () => ask()));
    for (const answer of answers) expectContained(answer, full, 'SUBGRAPH_RESPONSE_TOO_LARGE');
    // Ten 50 MB answers held at once would take the gateway past 1 GB; cut at 10 MB each, it stays far below.
    const peak = peakRss(stack.services.gateway.child!.pid!);
    console.log(`gateway peak RSS after ten 50 MB answers: ${Math.round(peak / 1024 / 1024)} MB`);
    expect(peak).toBeLessThan(700 * 1024 * 1024);
    files.mode = 'forward';
    expect((await ask()).errors).toBeUndefined();
  }, 180_000);
});
