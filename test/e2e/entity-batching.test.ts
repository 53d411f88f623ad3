/**
 * Entity fetches de-duplicated and merged (gateway/src/entityBatching.ts): twenty contracts and their projects name
 * two users in 80 places (each contract's owner, each project's owner and its two team members). Apollo's plan asks
 * identity once per place that reaches User, with one representation per place; the gateway sends identity one
 * request with each user once, and answers exactly as a gateway that sends the plan as it is (a second gateway on the
 * same subgraphs, with batching off).
 */
import { committedSupergraph } from '@wrk/gateway/compose';
import { startGateway } from '@wrk/gateway/server';
import type { RunningServer } from '@wrk/platform';
import { requestsReceived, seedBenchFixture, workOf } from '../bench/fixture.ts';
import { countingDispatcher } from '../support/instrumentation.ts';
import { databaseKinds } from '../support/databases.ts';
import { postGraphQL, startTestStack, type TestStack } from '../support/stack.ts';

const CONTRACTS = `query Owners($n: Int!) { contracts(first: $n) { nodes { id owner { email }
  project { name owner { name } team { role user { email name } } } } } }`;

describe.each(databaseKinds())('entity fetches de-duplicated and merged on %s Postgres', (kind) => {
  let stack: TestStack;
  let unbatched: RunningServer;
  let headers: Record<string, string>;

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

  const identityPort = () => Number(new URL(stack.subgraphUrls.identity).port);

  /** The answer and the HTTP requests identity received for it (after two calls: planned, session cached). */
  async function ask(url: string) {
    // Two: a session lookup that overlaps the token's creation notice is not cached (sessionCache.ts).
    for (let i = 0; i < 2; i++) await postGraphQL(url, CONTRACTS, { n: 20 }, headers);
    const before = requestsReceived(identityPort());
    const { result, work } = await workOf(() => postGraphQL(url, CONTRACTS, { n: 20 }, headers));
    return { result, identity: requestsReceived(identityPort()) - before, fetches: work.fetches };
  }

  it('asks identity once, for each user once, and answers as the plan sent as it is', async () => {
    const batched = await ask(stack.gatewayUrl);
    const plain = await ask(unbatched.url);
    expect(batched.result.errors).toBeUndefined();
    const contracts = (batched.result.data as { contracts: { nodes: { owner: { email: string } }[] } }).contracts.nodes;
    expect(contracts).toHaveLength(20);
    expect(new Set(contracts.map((contract) => contract.owner.email))).toEqual(new Set(['staff@wrk.demo']));
    expect(batched.result).toEqual({ ...plain.result, requestId: batched.result.requestId });
    expect(plain.identity).toBeGreaterThanOrEqual(2);
    expect(batched.identity).toBe(1);
    expect(batched.fetches).toBe(plain.fetches - plain.identity + 1);
  });
});
