/**
 * Identity stalled, killed, or unreachable when the gateway fetches its keys: callers with valid tokens are told the
 * service is unavailable (503 UNAVAILABLE, Retry-After, x-request-id), within the identity timeout — never 401 (they
 * would throw their tokens away) nor 500 — and the gateway logs a line per cause, not a stack trace per request.
 * A token the gateway has already seen is answered from its session cache, which needs no identity: the outage
 * bursts use tokens it has not seen (their session must be read at identity), and the cached one keeps working.
 */
import { afterRecovery, ask, report, type Outcome } from '../../support/outages.ts';
import { databaseKinds } from '../../support/databases.ts';
import { startProductionStack, type ProductionStack } from '../../support/production.ts';

const [kind] = databaseKinds();
const QUERY = '{ contracts(first: 1) { nodes { id } } }';
const BURST = 20;

const burst = (url: string, token: string) =>
  Promise.all(Array.from({ length: BURST }, () => ask(url, QUERY, { token, deadlineMs: 15_000 })));

function expectUnavailable(outcomes: Outcome[]) {
  for (const outcome of outcomes) {
    expect(outcome).toMatchObject({ status: 503, code: 'UNAVAILABLE', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(Number(outcome.retryAfter)).toBeGreaterThan(0);
    expect(JSON.stringify(outcome.errors)).not.toMatch(/127\.0\.0\.1|ECONN|fetch failed|\/src\/|at .*\.ts/);
  }
}

describe(`identity outages in the production shape (${kind} Postgres)`, () => {
  let stack: ProductionStack;
  let token: string;

  beforeAll(async () => {
    stack = await startProductionStack(kind!, { envOf: { gateway: { WRK_IDENTITY_TIMEOUT_MS: '3000' } } });
    token = await stack.token();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 UNAVAILABLE while identity is stalled, and serves again once it resumes', async () => {
    expect(await afterRecovery(stack.gatewayUrl, QUERY, { token })).toBe('OK');
    const unseen = await stack.token();
    await stack.services.identity.signal('SIGSTOP');
    const [outcomes, cached] = await Promise.all([burst(stack.gatewayUrl, unseen), ask(stack.gatewayUrl, QUERY, { token })]).finally(() =>
      stack.services.identity.signal('SIGCONT'),
    );
    report('identity stalled (SIGSTOP)', outcomes);
    expectUnavailable(outcomes);
    expect(cached).toMatchObject({ status: 200, code: 'OK' });
    expect(await afterRecovery(stack.gatewayUrl, QUERY, { token: unseen })).toBe('OK');
  });

  it('answers 503 UNAVAILABLE while identity is down, logging the cause without a storm of stack traces', async () => {
    const logged = stack.services.gateway.output.join('').length;
    const unseen = await stack.token();
    await stack.services.identity.signal('SIGKILL');
    const outcomes = await burst(stack.gatewayUrl, unseen);
    report('identity killed', outcomes);
    expectUnavailable(outcomes);
    const lines = stack.services.gateway.output.join('').slice(logged).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines.join('\n')).not.toMatch(/"stack"/);
    await stack.services.identity.start();
    expect(await afterRecovery(stack.gatewayUrl, QUERY, { token: unseen })).toBe('OK');
  }, 90_000);

  it('answers 503, not 401, when the gateway cannot fetch the keys that verify tokens', async () => {
    // A fresh gateway has no keys cached: with identity down, it cannot tell a good token from a bad one.
    await stack.services.gateway.signal('SIGKILL');
    await stack.services.identity.signal('SIGKILL');
    await stack.services.gateway.start();
    const outcomes = await burst(stack.gatewayUrl, token);
    report('JWKS unreachable (identity killed, gateway restarted)', outcomes);
    expectUnavailable(outcomes);
    // A token that is plainly not one is still refused as such.
    expect(await ask(stack.gatewayUrl, QUERY, { token: 'not-a-token' })).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    await stack.services.identity.start();
    expect(await afterRecovery(stack.gatewayUrl, QUERY, { token })).toBe('OK');
  }, 90_000);
});
