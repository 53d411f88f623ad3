/**
 * The load generator of `pnpm bench`, in its own process (and on its own CPU when pinned) so that it does not
 * share an event loop with the stack it measures. It receives jobs over IPC and answers each with its statistics:
 * a closed model (`connections` clients, each sending its next request when the previous one is answered).
 * Latencies are recorded per response in float milliseconds (autocannon's own percentiles are whole ms).
 */
import { createRequire } from 'node:module';
import { Agent, request } from 'undici';
import { deliveryHeaders } from '@wrk/fake-box';

/** Box webhook deliveries signed as Box signs them: event i of `prefix`, each sent `replays` times with a new delivery id. */
export interface BoxDeliveries {
  keys: { primary: string; secondary?: string };
  prefix: string;
  replays: number;
}

export interface LoadJob {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
  /** Send at most this many requests in all, even if `seconds` have not passed (a bounded count). */
  maxRequests?: number;
  /** The statuses answers may have (default: any 2xx); any other counts as a failure. */
  expectedStatuses?: number[];
  /** An open model instead: this many requests a second in all, whatever the latency (autocannon's overallRate). */
  rate?: number;
  /** Send signed Box webhook deliveries (built per request) instead of `body`. */
  boxDeliveries?: BoxDeliveries;
}

export interface LoadResult {
  /** Requests answered. */
  requests: number;
  /** Requests sent, those still unanswered when the load stopped included (the server works on them to the end). */
  sent: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Non-2xx answers, socket errors and timeouts. */
  failures: number;
  /** The load generator's own CPU time (user + system) while the load ran, ms: building requests included. */
  loadCpuMs: number;
}

/** With boxDeliveries: how many events were built, and how many answers said `stored` (the rest `duplicate`). */
export interface BoxDeliveryCounts {
  events: number;
  storedAnswers: number;
}

interface AutocannonResult {
  duration: number;
  requests: { sent: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', listener: (result: AutocannonResult) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}
type Autocannon = (options: Record<string, unknown>) => AutocannonInstance;

// autocannon ships no types: loaded through require, typed by the little this file uses.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

/** Delivery n: event ⌊n / replays⌋ of `prefix`, signed as Box signs it at `timestamp`, with a new delivery id. */
function buildDelivery(deliveries: BoxDeliveries, n: number, timestamp: string) {
  const event = Math.floor(n / deliveries.replays);
  const body = JSON.stringify({
    type: 'webhook_event',
    id: `${deliveries.prefix}-${event}`,
    created_at: timestamp,
    trigger: 'FILE.UPLOADED',
    webhook: { id: '4161', type: 'webhook' },
    created_by: { type: 'user', id: '2030392' },
    source: { type: 'file', id: String(100000 + event), name: `bench-${event}.pdf`, parent: { type: 'folder', id: '11446498' } },
    additional_info: [],
  });
  return {
    // A Buffer: autocannon copies a string body into one on every request it builds.
    body: Buffer.from(body),
    headers: deliveryHeaders(body, { keys: deliveries.keys, timestamp }),
  };
}

/**
 * autocannon's per-request hooks for Box deliveries. The first `prebuilt` are signed before the load starts (a
 * bounded load's run takes well under Box's 10 minutes of validity), so that the generator's own CPU does not cap
 * the rate it measures; any beyond are built and signed as they are sent.
 */
function boxDeliveryRequests(deliveries: BoxDeliveries, counts: { built: number; stored: number }, prebuilt: number) {
  const timestampOf = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const now = timestampOf(new Date());
  const ready = Array.from({ length: prebuilt }, (_, n) => buildDelivery(deliveries, n, now));
  return [
    {
      // `request` is autocannon's own copy, made for this request: filled in rather than copied again (its headers
      // object is shared with autocannon's template, so it is replaced, not changed).
      setupRequest: (request: { headers: Record<string, string>; body?: Buffer }) => {
        const n = counts.built++;
        const delivery = ready[n] ?? buildDelivery(deliveries, n, timestampOf(new Date()));
        request.body = delivery.body;
        request.headers = { ...request.headers, ...delivery.headers };
        return request;
      },
      onResponse: (status: number, body: string) => {
        if (status === 200 && body.includes('"stored"')) counts.stored += 1;
      },
    },
  ];
}

export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let unexpected = 0;
    const counts = { built: 0, stored: 0 };
    const requests = job.boxDeliveries ? boxDeliveryRequests(job.boxDeliveries, counts, job.maxRequests ?? 0) : undefined;
    const cpuAtStart = process.cpuUsage();
    // Autocannon notices a reached request bound only on its next 1-second tick: throughput runs to the last answer.
    const startedAt = performance.now();
    let lastAnswerAt = startedAt;
    const instance = autocannon({
      url: job.url,
      method: 'POST',
      headers: job.headers,
      body: job.body,
      connections: job.connections,
      pipelining: 1,
      duration: job.seconds,
      ...(job.maxRequests ? { maxOverallRequests: job.maxRequests } : {}),
      ...(job.rate ? { overallRate: job.rate } : {}),
      timeout: 10,
      ...(requests ? { requests } : {}),
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      lastAnswerAt = performance.now();
      if (job.expectedStatuses && !job.expectedStatuses.includes(status)) unexpected += 1;
    });
    instance.on('error', reject);
    instance.on('done', (result) => {
      const cpu = process.cpuUsage(cpuAtStart);
      latencies.sort((a, b) => a - b);
      const measured: LoadResult = {
        requests: latencies.length,
        sent: result.requests.sent,
        rps: latencies.length === 0 ? 0 : latencies.length / Math.min(result.duration, (lastAnswerAt - startedAt) / 1000),
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        failures: result.errors + result.timeouts + (job.expectedStatuses ? unexpected : result.non2xx),
        loadCpuMs: (cpu.user + cpu.system) / 1000,
      };
      if (!job.boxDeliveries) return resolve(measured);
      const withCounts: LoadResult & BoxDeliveryCounts = {
        ...measured,
        events: Math.ceil(counts.built / job.boxDeliveries.replays),
        storedAnswers: counts.stored,
      };
      resolve(withCounts);
    });
  });
}

/** One request after another, to each target in turn (the first rotated every cycle), for `seconds`. */
export interface AlternatingJob {
  alternate: { url: string; headers: Record<string, string>; body: string }[];
  seconds: number;
}

/** Per target of an AlternatingJob: its answers and their latency percentiles (ms). */
export interface AlternatingResult {
  requests: number;
  p50: number;
  p99: number;
  p999: number;
}

/**
 * Tails at one connection, compared fairly: each target's next request follows the other's, so that a stall of the
 * machine (GC of a shared process, a noisy neighbour) falls on both alike instead of on whichever load ran then.
 */
export async function runAlternating(job: AlternatingJob): Promise<AlternatingResult[]> {
  const agents = job.alternate.map(() => new Agent({ connections: 1 }));
  const latencies: number[][] = job.alternate.map(() => []);
  const until = performance.now() + job.seconds * 1000;
  try {
    for (let cycle = 0; performance.now() < until; cycle++) {
      for (let turn = 0; turn < job.alternate.length; turn++) {
        const index = (cycle + turn) % job.alternate.length;
        const target = job.alternate[index]!;
        const started = performance.now();
        const answer = await request(target.url, { method: 'POST', headers: target.headers, body: target.body, dispatcher: agents[index] });
        await answer.body.text();
        if (answer.statusCode !== 200) throw new Error(`${target.url} answered ${answer.statusCode}`);
        latencies[index]!.push(performance.now() - started);
      }
    }
  } finally {
    await Promise.all(agents.map((agent) => agent.close()));
  }
  return latencies.map((values) => {
    const sorted = values.sort((a, b) => a - b);
    return { requests: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), p999: percentile(sorted, 99.9) };
  });
}

if (process.send) {
  process.on('message', (job: LoadJob | AlternatingJob) => {
    ('alternate' in job ? runAlternating(job) : runLoad(job)).then(
      (result) => process.send!({ result }),
      (error: Error) => process.send!({ error: error.message }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
