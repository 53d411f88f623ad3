/**
 * A subgraph stalled (SIGSTOP): requests that need it are answered within the subgraph timeout — its fields as
 * UNAVAILABLE errors (at their path, or the whole answer as 503 when nothing else could be answered) — instead of
 * waiting for as long as it stalls; requests that do not need it are served as usual; the gateway's /ready answers
 * at once and stays ready (only identity's readiness is the gateway's: one stalled subgraph must not take every
 * gateway out of rotation).
 */
import { DEMO } from '@wrk/demo';
import { afterRecovery, ask, report } from '../../support/outages.ts';
import { databaseKinds } from '../../support/databases.ts';
import { startProductionStack, type ProductionStack } from '../../support/production.ts';

const [kind] = databaseKinds();
const NEEDS_FILES = `query ($id: ID!) { contract(id: $id) { id title links { linkType to { __typename id ... on BoxItem { name } } } } }`;
const CORE_ONLY = '{ contracts(first: 3) { nodes { id title } } }';

describe(`a stalled subgraph in the production shape (${kind} Postgres)`, () => {
  let stack: ProductionStack;
  let token: string;

  beforeAll(async () => {
    stack = await startProductionStack(kind!, {
      env: { WRK_SUBGRAPH_TIMEOUT_MS: '4000', WRK_OWNER_CHECK_TIMEOUT_MS: '3000', WRK_READY_TIMEOUT_MS: '2000' },
    });
    token = await stack.token();
  }, 120_000);

  afterAll(async () => {
    await stack?.services.files.signal('SIGCONT');
    await stack?.stop();
  });

  it('answers requests needing the stalled files subgraph with UNAVAILABLE errors, and the rest as usual', async () => {
    const variables = { id: DEMO.contracts.acmeMsa };
    expect(await afterRecovery(stack.gatewayUrl, NEEDS_FILES, { token, variables })).toBe('OK');
    await stack.services.files.signal('SIGSTOP');
    try {
      const [stalled, unaffected] = await Promise.all([
        Promise.all(Array.from({ length: 10 }, () => ask(stack.gatewayUrl, NEEDS_FILES, { token, variables, deadlineMs: 20_000 }))),
        Promise.all(Array.from({ length: 10 }, () => ask(stack.gatewayUrl, CORE_ONLY, { token, deadlineMs: 20_000 }))),
      ]);
      report('files stalled: requests needing files', stalled);
      report('files stalled: requests not needing files', unaffected);
      for (const outcome of stalled) {
        expect([200, 503]).toContain(outcome.status);
        expect(outcome.errors.length).toBeGreaterThan(0);
        expect(outcome.errors.every((error) => error.extensions?.code === 'UNAVAILABLE')).toBe(true);
        expect(outcome.requestId).toMatch(/^[0-9a-f-]{36}$/);
      }
      for (const outcome of unaffected) expect(outcome).toMatchObject({ status: 200, code: 'OK' });

      const ready = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/ready'), { signal: AbortSignal.timeout(10_000) });
      expect(ready.status).toBe(200);
    } finally {
      await stack.services.files.signal('SIGCONT');
    }
    expect(await afterRecovery(stack.gatewayUrl, NEEDS_FILES, { token, variables })).toBe('OK');
  }, 60_000);
});
