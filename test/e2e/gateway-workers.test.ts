/**
 * WRK_GATEWAY_WORKERS=2: the gateway's own entry (gateway/src/main.ts, as production runs it) serves one port from two
 * worker processes — both answer —, starts another worker when one crashes, and stops cleanly on SIGTERM: the
 * primary passes it on, each worker drains, the primary exits 0 and no worker is left.
 */
import { request } from 'node:http';
import { databaseKinds } from '../support/databases.ts';
import { postGraphQL } from '../support/stack.ts';
import { startProductionStack, type ProductionStack } from '../support/production.ts';
import { waitFor } from '../support/waitFor.ts';

/** GET over a connection of its own (the primary hands each new connection to the next worker). */
const getOnNewConnection = (url: string) =>
  new Promise<string>((resolve, reject) => {
    const sent = request(url, { agent: false, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
    });
    sent.on('error', reject);
    sent.end();
  });

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.each(databaseKinds().slice(0, 1))('the gateway with WRK_GATEWAY_WORKERS=2 on %s Postgres', (kind) => {
  let stack: ProductionStack;

  beforeAll(async () => {
    stack = await startProductionStack(kind, {
      envOf: { gateway: { WRK_GATEWAY_WORKERS: '2', LOG_LEVEL: 'info' } },
      healthTimeoutMs: 120_000,
    });
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** The workers' pids, from the line each logs once it listens. */
  const workerPids = () =>
    stack.services.gateway.output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"gateway worker listening"'))
      .map((line) => Number(/"pid":(\d+)/.exec(line)?.[1]));

  /** The `worker` labels of the /metrics answers to `times` scrapes, each on a new connection. */
  const answeringWorkers = async (times: number) => {
    const labels = new Set<string>();
    for (let i = 0; i < times; i += 1) {
      const metrics = await getOnNewConnection(`${stack.services.gateway.url}/metrics`);
      const label = /wrk_process_cpu_user_seconds_total\{worker="(\d+)"\}/.exec(metrics)?.[1];
      if (label) labels.add(label);
    }
    return labels;
  };

  const organizations = async () => {
    const token = await stack.token();
    return postGraphQL<{ organizations: { nodes: { id: string }[] } }>(
      stack.gatewayUrl,
      '{ organizations(first: 5) { nodes { id } } }',
      {},
      { authorization: `Bearer ${token}` },
    );
  };

  it('two workers answer on the one port', async () => {
    await waitFor('two workers listening', () => (workerPids().length === 2 ? true : undefined), 60_000);
    const pids = workerPids();
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(stack.services.gateway.child!.pid);
    expect((await answeringWorkers(12)).size).toBe(2);
    const answer = await organizations();
    expect(answer.status).toBe(200);
    expect(answer.data?.organizations.nodes.length).toBeGreaterThan(0);
  }, 120_000);

  it('a crashed worker is replaced', async () => {
    const [crashed] = workerPids();
    process.kill(crashed!, 'SIGKILL');
    await waitFor('a third worker listening', () => (workerPids().length === 3 ? true : undefined), 60_000);
    const live = workerPids().filter(isAlive);
    expect(live).toHaveLength(2);
    expect(live).not.toContain(crashed);
    expect((await organizations()).status).toBe(200);
  }, 120_000);

  it('SIGTERM stops the primary and every worker cleanly', async () => {
    const pids = workerPids().filter(isAlive);
    expect(await stack.services.gateway.signal('SIGTERM')).toBe(0);
    await waitFor('no worker left', () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 10_000);
    expect(stack.services.gateway.output.join('')).toContain('gateway workers stopped');
  }, 60_000);
});
