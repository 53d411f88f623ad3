/**
 * The load generator of `pnpm bench`, in its own process (and on its own CPU when pinned) so that it does not
 * share an event loop with the stack it measures. It receives jobs over IPC and answers each with its statistics:
 * a closed model (`connections` clients, each sending its next request when the previous one is answered).
 * Latencies are recorded per response in float milliseconds (autocannon's own percentiles are whole ms).
 */
import { createRequire } from 'node:module';

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
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Non-2xx answers, socket errors and timeouts. */
  failures: number;
}

interface AutocannonResult {
  duration: number;
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

export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let unexpected = 0;
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
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      if (job.expectedStatuses && !job.expectedStatuses.includes(status)) unexpected += 1;
    });
    instance.on('error', reject);
    instance.on('done', (result) => {
      latencies.sort((a, b) => a - b);
      resolve({
        requests: latencies.length,
        rps: latencies.length / result.duration,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        failures: result.errors + result.timeouts + (job.expectedStatuses ? unexpected : result.non2xx),
      });
    });
  });
}

if (process.send) {
  process.on('message', (job: LoadJob) => {
    runLoad(job).then(
      (result) => process.send!({ result }),
      (error: Error) => process.send!({ error: error.message }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
