/**
 * Graceful shutdown and observability in the production shape (a process per service, loopback only, bounded): SIGTERM
 * to the gateway and to core while 20 requests are in flight, /metrics after a short load, and the request ID on every
 * log line a request causes in every process.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { startTracing } from '@wrk/platform';
import { databaseKinds } from '../../support/databases.ts';
import { startProductionStack, type ProductionStack, type Service } from '../../support/production.ts';
import { postGraphQL, type GraphQLResponse } from '../../support/stack.ts';

const [kind] = databaseKinds();
const IN_FLIGHT = 20;
const METRICS_TOKEN = randomBytes(18).toString('base64url');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const value = await probe();
    if (accept(value)) return value;
    await sleep(50);
  }
  const last = String(await probe())
    .split('\n')
    .filter((line) => line.startsWith('wrk_http') || line.startsWith('wrk_graphql'))
    .join('\n');
  throw new Error(`timed out waiting for ${what}; last: ${last.slice(0, 3000)}`);
}

/** One series' value from Prometheus' text format (the first line matching every label given), else undefined. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  const line = metrics
    .split('\n')
    .find((row) => row.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => row.includes(`${key}="${value}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** How the in-flight requests ended: answered with data and no error, answered with errors, or not answered at all. */
function tally(results: PromiseSettledResult<GraphQLResponse<unknown>>[]) {
  const counts = { answered: 0, errors: 0, cut: 0 };
  let first: GraphQLResponse<unknown> | undefined;
  for (const result of results) {
    if (result.status === 'rejected') counts.cut += 1;
    else if (result.value.status === 200 && !result.value.errors && result.value.data) counts.answered += 1;
    else {
      counts.errors += 1;
      first ??= result.value;
    }
  }
  if (first) console.warn('first failed answer', JSON.stringify(first));
  return counts;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
}
interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: Omit<OtlpSpan, 'service'>[] }[];
  }[];
}

/** An OTLP/HTTP (JSON) trace receiver on loopback: what the processes export when tracing is on. */
async function otlpReceiver(): Promise<{ url: string; spans: OtlpSpan[]; close(): Promise<void> }> {
  const spans: OtlpSpan[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
      for (const resource of body.resourceSpans ?? []) {
        const service = resource.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) spans.push({ ...span, service });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe(`graceful shutdown and observability, a process per service (${kind} Postgres)`, () => {
  let stack: ProductionStack;
  let token: string;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;

  beforeAll(async () => {
    receiver = await otlpReceiver();
    stack = await startProductionStack(kind!, {
      env: { LOG_LEVEL: 'info', WRK_SHUTDOWN_TIMEOUT: '15000', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
      envOf: { files: { WRK_METRICS_TOKEN: METRICS_TOKEN } },
    });
    token = await stack.token();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  const ask = (query: string) => postGraphQL(stack.gatewayUrl, query, {}, { authorization: `Bearer ${token}` });
  // Files serves /metrics to WRK_METRICS_TOKEN's bearer alone; the others, without a token, to loopback callers.
  const metricsOf = async (service: Service) =>
    (await fetch(`${stack.services[service].url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();

  /**
   * Holds core's contracts (slow requests) and people (quicker ones) with table locks in transactions of the test's own,
   * sends 20 requests that wait on them, signals SIGTERM to `target` once all 20 are in flight there, and checks the
   * drain from outside: readiness 503, a new request refused, then every in-flight request answered and exit code 0.
   */
  async function sigtermUnderLoad(target: 'gateway' | 'core') {
    const lockers = await Promise.all(
      ['core.contracts', 'core.people'].map(async (table) => {
        const client = new pg.Client({ connectionString: stack.database.url });
        await client.connect();
        await client.query('BEGIN');
        await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
        return client;
      }),
    );
    const [contractsLock, peopleLock] = lockers;
    try {
      const inFlight = Array.from({ length: IN_FLIGHT }, (_, index) =>
        index % 2 === 0
          ? ask('query SlowContracts { contracts(first: 3) { nodes { id title } } }')
          : ask('query QuickPeople { people(first: 3) { nodes { id fullName } } }'),
      );
      const settled = Promise.allSettled(inFlight);
      // Every request has reached the target (its own /metrics request is in flight too).
      await until(
        () => metricsOf(target),
        (metrics) => (sample(metrics, 'wrk_http_requests_in_flight', { service: target }) ?? 0) >= IN_FLIGHT + 1,
        `${IN_FLIGHT} requests in flight at ${target}`,
      );

      const exited = stack.services[target].signal('SIGTERM');
      // A readiness check that began before the signal may still answer 503 "not ready" (its database check waits on
      // the busy pool); the answers after it say why: draining.
      const readiness = await until(
        async () => {
          const response = await fetch(`${stack.services[target].url}/ready`);
          return { status: response.status, body: (await response.json()) as { status?: string } };
        },
        (answer) => answer.status === 503 && answer.body.status === 'draining',
        'readiness 503 draining',
      );
      expect(readiness.body).toMatchObject({ status: 'draining' });
      const refused = await fetch(`${stack.services[target].url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('connection')).toBe('close');
      expect(refused.headers.get('retry-after')).toBe('1');
      // Named like every other answer, so that a client's report of the refusal finds its log line.
      expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await refused.json()).toEqual({
        errors: [{ message: 'The server is shutting down: retry the request', extensions: { code: 'UNAVAILABLE' } }],
      });

      await peopleLock!.query('COMMIT');
      await sleep(500);
      await contractsLock!.query('COMMIT');
      expect(tally(await settled)).toEqual({ answered: IN_FLIGHT, errors: 0, cut: 0 });
      expect(await exited).toBe(0);
    } finally {
      await Promise.all(lockers.map((client) => client.end()));
      // Back up for the next test, whatever happened (a failed drain may still be running).
      const proc = stack.services[target];
      if (proc.child?.exitCode === null && proc.child.signalCode === null) await proc.signal('SIGKILL');
      await proc.start();
    }
  }

  it('SIGTERM to core: the 20 requests in flight there are all answered, readiness goes 503, new requests are refused, exit 0', async () => {
    await sigtermUnderLoad('core');
  }, 90_000);

  it('SIGTERM to the gateway: the same', async () => {
    await sigtermUnderLoad('gateway');
  }, 90_000);

  it('/metrics after a short load: operations, errors, latency, subgraph fetches, in-flight and pools, by name', async () => {
    const rounds = 5;
    for (let round = 0; round < rounds; round += 1) {
      const answer = await ask(
        'query MetricsProbe { contracts(first: 2) { nodes { id links { linkType to { __typename id ... on BoxItem { name } } } } } }',
      );
      expect(answer.errors).toBeUndefined();
    }
    const failed = await ask('query MetricsMiss { contract(id: "not-an-id") { id } }');
    expect(failed.errors?.[0]?.extensions?.code).toBe('INVALID_ID');

    const gateway = await metricsOf('gateway');
    expect(sample(gateway, 'wrk_graphql_operations_total', { service: 'gateway', operation: 'MetricsProbe', type: 'query' })).toBe(rounds);
    expect(sample(gateway, 'wrk_graphql_operation_duration_seconds_count', { operation: 'MetricsProbe' })).toBe(rounds);
    expect(sample(gateway, 'wrk_graphql_operation_duration_seconds_bucket', { operation: 'MetricsProbe', le: '+Inf' })).toBe(rounds);
    expect(sample(gateway, 'wrk_graphql_errors_total', { operation: 'MetricsMiss', code: 'INVALID_ID' })).toBe(1);
    expect(sample(gateway, 'wrk_subgraph_fetches_total', { subgraph: 'core', operation: 'MetricsProbe', outcome: 'ok' })).toBe(rounds);
    expect(sample(gateway, 'wrk_subgraph_fetches_total', { subgraph: 'files', operation: 'MetricsProbe', outcome: 'ok' })).toBe(rounds);
    expect(sample(gateway, 'wrk_subgraph_fetch_duration_seconds_count', { subgraph: 'files', operation: 'MetricsProbe' })).toBe(rounds);
    expect(sample(gateway, 'wrk_http_requests_total', { service: 'gateway', route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(
      rounds + 1,
    );
    expect(sample(gateway, 'wrk_http_requests_in_flight', { service: 'gateway' })).toBe(1);
    expect(sample(gateway, 'wrk_db_pool_connections', { pool: 'gateway-rate-limits', state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(gateway).toContain('wrk_process_resident_memory_bytes');

    // Core names the gateway's query plan steps after the client's operation.
    const core = await metricsOf('core');
    expect(core).toMatch(/wrk_graphql_operations_total\{service="core",operation="MetricsProbe__core__\d+",type="query"\} 5/);
    expect(sample(core, 'wrk_db_pool_connections', { pool: 'core', state: 'total' })).toBeGreaterThanOrEqual(1);
    // Core asks files, on the caller's behalf, whether the links' Box items exist for them: a named operation there.
    const files = await metricsOf('files');
    expect(
      sample(files, 'wrk_graphql_operations_total', { service: 'files', operation: 'EntityExistenceCheck', type: 'query' }),
    ).toBeGreaterThanOrEqual(rounds);
  }, 60_000);

  it('/metrics is served only to loopback callers, or with WRK_METRICS_TOKEN to its bearer alone', async () => {
    const files = `${stack.services.files.url}/metrics`;
    const without = await fetch(files);
    const unknown = await fetch(`${stack.services.files.url}/no-such-route`);
    expect(without.status).toBe(404);
    expect(await without.text()).toBe((await unknown.text()).replace('/no-such-route', '/metrics'));
    expect((await fetch(files, { headers: { authorization: 'Bearer wrong' } })).status).toBe(404);
    const allowed = await fetch(files, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('content-type')).toContain('text/plain');
  });

  it("every log line a request causes, in every process it touches, carries the request's ID", async () => {
    await sleep(300);
    const offsets = Object.fromEntries(Object.entries(stack.services).map(([service, proc]) => [service, proc.output.join('').length]));
    const answer = await ask(
      'query TracedRequest { contracts(first: 2) { nodes { id links { to { __typename id ... on BoxItem { name } ... on AgentRun { status } } } } } }',
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await sleep(500);

    for (const [service, proc] of Object.entries(stack.services)) {
      const lines = proc.output
        .join('')
        .slice(offsets[service])
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      // Each of the five processes logged this request (identity: its session lookup), and nothing without its ID.
      expect({ service, lines: lines.length > 0 }).toEqual({ service, lines: true });
      for (const line of lines)
        expect({ service, line, requestId: line.requestId }).toEqual({ service, line, requestId: answer.requestId });
    }
  }, 30_000);

  it('traces a request across the gateway and the subgraphs when OTEL_EXPORTER_OTLP_ENDPOINT is set (off otherwise)', async () => {
    expect(await startTracing('test', {})).toBe(false);
    const answer = await ask(
      'query Traced { contracts(first: 2) { nodes { id links { to { __typename id ... on BoxItem { name } } } } } }',
    );
    expect(answer.errors).toBeUndefined();
    // A server span of `service` whose parent is a client span of `parentService` in the same trace, which the gateway started.
    const childOf = (service: string, parentService: string) =>
      receiver.spans.find((span) => {
        const parent = receiver.spans.find((candidate) => candidate.spanId === span.parentSpanId);
        return (
          span.service === service &&
          span.name === 'POST /graphql' &&
          parent?.service === parentService &&
          parent.traceId === span.traceId &&
          receiver.spans.some((root) => root.traceId === span.traceId && root.service === 'gateway' && root.name === 'POST /graphql')
        );
      });
    // The gateway's fetches to core and files, and core asking files on the caller's behalf whether a link's end exists.
    const found = await until(
      async () => ({
        gatewayToCore: childOf('core', 'gateway'),
        gatewayToFiles: childOf('files', 'gateway'),
        coreToFiles: childOf('files', 'core'),
      }),
      (spans) => Object.values(spans).every(Boolean),
      'server spans of core and files under client spans of the gateway and of core, in traces the gateway began',
    );
    expect(Object.keys(found)).toHaveLength(3);
  }, 30_000);
});
