/**
 * Entity fetches de-duplicated and merged (gateway/src/entityBatching.ts): twenty contracts and their projects name
 * two users in 80 places (each contract's owner, each project's owner and its two team members). Apollo's plan asks
 * identity once per place that reaches User, with one representation per place; the gateway sends identity one
 * request with each user once, and answers exactly as a gateway that sends the plan as it is (a second gateway on the
 * same subgraphs, with batching off). A merged operation the subgraph refuses whole (here: more aliases than its
 * limit, which each fetch alone keeps to) is sent again one query text each.
 */
import { committedSupergraph } from '@wrk/gateway/compose';
import { startGateway } from '@wrk/gateway/server';
import type { RunningServer } from '@wrk/platform';
import { seedBenchFixture, workOf } from '../bench/fixture.ts';
import { countingDispatcher } from '../support/instrumentation.ts';
import { databaseKinds } from '../support/databases.ts';
import { postGraphQL, startTestStack, type TestStack } from '../support/stack.ts';

const CONTRACTS = `query Owners($n: Int!) { contracts(first: $n) { nodes { id owner { email }
  project { name owner { name } team { role user { email name } } } } } }`;

/** A stack with the fixture, and a second gateway on its subgraphs that sends the plan's fetches as they are. */
function stackWithUnbatchedGateway(kind: Parameters<typeof startTestStack>[0]) {
  let stack: TestStack | undefined;
  let unbatched: RunningServer | undefined;
  let headers: Record<string, string> = {};
  const context = () => {
    if (!stack || !unbatched) throw new Error('the stack has not started');
    return { stack, unbatched, headers };
  };
  beforeAll(async () => {
    stack = await startTestStack(kind, { worker: false });
    await seedBenchFixture(stack.databaseUrl, 20);
    unbatched = await startGateway({
      supergraphSdl: committedSupergraph(),
      subgraphUrls: stack.subgraphUrls,
      keyring: stack.keyrings.gateway,
      databaseUrl: stack.databaseUrl,
      wrapDispatcher: countingDispatcher,
      entityBatching: false,
    });
    headers = stack.as(await stack.token('staff@wrk.demo'));
  }, 120_000);
  afterAll(async () => {
    await unbatched?.stop();
    await stack?.stop();
  });
  /** The answer and the gateway's subgraph fetches for it, after a first call (planned, session cached). */
  const ask = async (url: string) => {
    await postGraphQL(url, CONTRACTS, { n: 20 }, context().headers);
    const { result, work } = await workOf(() => postGraphQL(url, CONTRACTS, { n: 20 }, context().headers));
    return { result, fetches: work.fetches };
  };
  return { context, ask };
}

describe.each(databaseKinds())('entity fetches de-duplicated and merged on %s Postgres', (kind) => {
  const { context, ask } = stackWithUnbatchedGateway(kind);

  it('asks identity once, for each user once, and answers as the plan sent as it is', async () => {
    const batched = await ask(context().stack.gatewayUrl);
    const plain = await ask(context().unbatched.url);
    expect(batched.result.errors).toBeUndefined();
    const contracts = (batched.result.data as { contracts: { nodes: { owner: { email: string } }[] } }).contracts.nodes;
    expect(contracts).toHaveLength(20);
    expect(new Set(contracts.map((contract) => contract.owner.email))).toEqual(new Set(['staff@wrk.demo']));
    expect(batched.result).toEqual({ ...plain.result, requestId: batched.result.requestId });
    // Core's one fetch, then identity's three in one Parallel node of the plan (contract owner, project owner, team).
    expect(plain.fetches).toBe(4);
    expect(batched.fetches).toBe(2);
  });
});

describe.each(databaseKinds())('a merged entity fetch refused by the subgraph on %s Postgres', (kind) => {
  const aliases = process.env.WRK_MAX_ALIASES;
  // Every service of the in-process stack reads its limits at start: identity accepts 2 aliases, the merge has 3.
  beforeAll(() => {
    process.env.WRK_MAX_ALIASES = '2';
  });
  afterAll(() => {
    if (aliases === undefined) delete process.env.WRK_MAX_ALIASES;
    else process.env.WRK_MAX_ALIASES = aliases;
  });
  const { context, ask } = stackWithUnbatchedGateway(kind);

  it('is sent again one query text each, with the same answer', async () => {
    const batched = await ask(context().stack.gatewayUrl);
    const plain = await ask(context().unbatched.url);
    expect(batched.result.errors).toBeUndefined();
    expect(batched.result).toEqual({ ...plain.result, requestId: batched.result.requestId });
    // Core's fetch, the merged one (refused), then the three query texts one by one.
    expect(batched.fetches).toBe(5);
  });
});
