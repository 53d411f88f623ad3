/**
 * More concurrent requests than a process takes (WRK_MAX_CONCURRENT_REQUESTS): the excess is refused at once with 503
 * OVERLOADED and Retry-After, the rest are served — instead of queueing without bound.
 */
import { afterRecovery, ask, report } from '../../support/outages.ts';
import { databaseKinds } from '../../support/databases.ts';
import { startProductionStack, type ProductionStack } from '../../support/production.ts';

const [kind] = databaseKinds();
const QUERY = '{ contracts(first: 20) { nodes { id title links { linkType toId } } } }';
const CONCURRENT = 40;

describe(`overload shedding in the production shape (${kind} Postgres)`, () => {
  let stack: ProductionStack;
  let token: string;

  beforeAll(async () => {
    stack = await startProductionStack(kind!, {
      envOf: { gateway: { WRK_MAX_CONCURRENT_REQUESTS: '4' }, core: { WRK_MAX_CONCURRENT_REQUESTS: '2' } },
    });
    token = await stack.token();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('sheds what exceeds the limit with fast 503s and serves the rest', async () => {
    expect(await afterRecovery(stack.gatewayUrl, QUERY, { token })).toBe('OK');
    const outcomes = await Promise.all(
      Array.from({ length: CONCURRENT }, () => ask(stack.gatewayUrl, QUERY, { token, deadlineMs: 30_000 })),
    );
    report(`${CONCURRENT} concurrent requests, gateway limit 4, core limit 2`, outcomes);
    const served = outcomes.filter((outcome) => outcome.code === 'OK');
    const shed = outcomes.filter((outcome) => outcome.status === 503);
    expect(served.length).toBeGreaterThan(0);
    expect(shed.length).toBeGreaterThan(0);
    expect(served.length + shed.length).toBe(CONCURRENT);
    for (const outcome of shed) {
      expect(['OVERLOADED', 'UNAVAILABLE']).toContain(outcome.code);
      expect(Number(outcome.retryAfter)).toBeGreaterThan(0);
      expect(outcome.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(shed.some((outcome) => outcome.code === 'OVERLOADED')).toBe(true);
    // Once the burst is over, everything is served again.
    expect(await afterRecovery(stack.gatewayUrl, QUERY, { token })).toBe('OK');
  });
});
