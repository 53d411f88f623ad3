/**
 * The gateway's CPU per subgraph request, old transport against new, without the rest of the stack: a subgraph
 * stand-in in a child process answers every POST with a fixed JSON body; this process sends `_entities` requests
 * through each data source in turn (interleaved rounds) and reads its own CPU time per request (claims signing
 * included, the same on both sides). On a loaded machine, CPU per request varies far less than req/s.
 *
 * Usage: BASE_GATEWAY_SRC=<another checkout's gateway/src> tsx test/bench/subgraph-transport.ts
 * (e.g. `git archive <commit> gateway operations | tar -x -C /tmp/base`, with gateway/node_modules linked to this one's).
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.LOG_LEVEL ??= 'warn';

if (process.argv[2] === 'serve') {
  const size = Number(process.argv[3]);
  const entities = Array.from({ length: size }, (_, i) => ({ __typename: 'User', email: `user${i}@wrk.demo`, name: `User ${i}` }));
  const body = JSON.stringify({ data: { _entities: entities } });
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.(typeof address === 'object' && address ? address.port : 0);
  });
} else {
  const { ensureServiceKeys, loadKeyring } = await import('@wrk/platform');
  const { ContainedDataSource } = await import('@wrk/gateway/subgraphResponses');
  const { keepAliveAgent } = await import('@wrk/gateway/dataSource');
  type Source = { process(options: unknown): Promise<{ errors?: unknown }> };
  type Constructor = new (...args: unknown[]) => Source;

  const keysDir = mkdtempSync(join(tmpdir(), 'wrk-transport-bench-'));
  ensureServiceKeys(keysDir, ['gateway', 'identity']);
  const keyring = loadKeyring(keysDir, 'gateway');
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
  const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const range = (values: number[]) => `${median(values).toFixed(0)} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;

  for (const size of [2, 80]) {
    const child = fork(new URL(import.meta.url).pathname, ['serve', String(size)], { execArgv: process.execArgv });
    const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve(Number(message))));
    const url = `http://127.0.0.1:${port}/graphql`;
    const sources: [string, Source][] = [['new', new ContainedDataSource(url, 'identity', keyring, keepAliveAgent, false)]];
    if (process.env.BASE_GATEWAY_SRC) {
      const base = (await import(`${process.env.BASE_GATEWAY_SRC}/subgraphResponses.ts`)) as { ContainedDataSource: Constructor };
      const { subgraphFetcher, keepAliveAgent: baseAgent } = (await import(`${process.env.BASE_GATEWAY_SRC}/dataSource.ts`)) as {
        subgraphFetcher(dispatcher: unknown): unknown;
        keepAliveAgent: unknown;
      };
      sources.unshift(['base', new base.ContainedDataSource(url, 'identity', keyring, subgraphFetcher(baseAgent))]);
    }
    const claims = { kind: 'staff', scopes: [], teams: [], requestId: 'bench', deadline: Date.now() + 3_600_000 };
    const query = 'query B__identity__1($representations:[_Any!]!){_entities(representations:$representations){...on User{email name}}}';
    const representations = Array.from({ length: size }, (_, i) => ({ __typename: 'User', id: `usr_${i}` }));
    const options = () => ({
      kind: 'incoming operation',
      request: { query, operationName: 'B__identity__1', variables: { representations } },
      incomingRequestContext: { context: { claims }, operationName: 'B' },
      context: { claims },
    });
    const cpu: Record<string, number[]> = Object.fromEntries(sources.map(([name]) => [name, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const [name, source] of round % 2 ? [...sources].reverse() : sources) {
        const before = process.cpuUsage();
        for (let i = 0; i < REQUESTS; i++) {
          const answer = await source.process(options());
          if (answer.errors) throw new Error(`${name}: ${JSON.stringify(answer.errors)}`);
        }
        const used = process.cpuUsage(before);
        // Round 0 warms up (JIT, connections) and is not counted.
        if (round) cpu[name]!.push((used.user + used.system) / REQUESTS);
      }
    }
    child.kill();
    console.log(`${size} entities per answer, ${ROUNDS} rounds × ${REQUESTS} requests, load average ${loadavg()[0]!.toFixed(1)}:`);
    for (const [name] of sources) {
      const ratios = cpu[name]!.map((value, i) => (cpu.base ?? cpu[name]!)[i]! / value);
      console.log(`  ${name.padEnd(5)} gateway CPU µs/request ${range(cpu[name]!)}   base ÷ this ${range(ratios.map((r) => r * 100))}%`);
    }
  }
  await keepAliveAgent.close();
}
