/** The gateway comparison's section of test/bench/results.md, and its ratios for results.json. */
import { CONNECTIONS, type ComparisonResult, type Connections, type Sample, type SideKey } from './compare.ts';
import { COMPARED_QUERIES } from './queries.ts';
import type { WorkTable } from './work.ts';

const SIDE_LABELS: Record<SideKey, string> = {
  wrk: 'WRK gateway',
  hive: 'Hive Gateway',
  direct: 'direct to the subgraph',
  proxy: 'bare proxy to the subgraph',
};

export const median = (values: number[]): number => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
const num = (value: number) =>
  Number.isFinite(value) ? (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)) : '—';
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');

/** A ratio per round (the two sides measured side by side in it), as its median and min–max. */
export interface Ratio {
  median: number;
  min: number;
  max: number;
  perRound: number[];
}
/** Per round, `ofA` of `a`'s sample over `ofB` of `b`'s (the same measure by default). */
const ratioOf = (a: Sample[], b: Sample[], ofA: (sample: Sample) => number, ofB = ofA): Ratio | undefined => {
  const perRound = a.flatMap((sample) => {
    const other = b.find((s) => s.round === sample.round);
    return other ? [ofA(sample) / ofB(other)] : [];
  });
  if (!perRound.length) return undefined;
  return { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound), perRound };
};
const showRatio = (ratio: Ratio | undefined) => (ratio ? `${times(ratio.median)} (${times(ratio.min)}–${times(ratio.max)})` : '—');

export interface ComparisonRatios {
  /** ratios[query][connections] */
  [query: string]: Record<
    Connections,
    { wrkOverHiveRps?: Ratio; wrkOverHiveP99?: Ratio; wrkOverDirectP50?: Ratio; hiveOverWrkStackCpu?: Ratio; gatewayFreeCeiling?: Ratio }
  >;
}

export function comparisonRatios(result: ComparisonResult): ComparisonRatios {
  return Object.fromEntries(
    COMPARED_QUERIES.map((query) => {
      const bySide = result.samples[query.key] ?? {};
      const of = (c: Connections) => {
        const wrk = bySide.wrk?.[c] ?? [];
        const hive = bySide.hive?.[c] ?? [];
        const direct = bySide.direct?.[c] ?? [];
        return {
          wrkOverHiveRps: ratioOf(wrk, hive, (s) => s.rps),
          wrkOverHiveP99: ratioOf(wrk, hive, (s) => s.p99),
          wrkOverDirectP50: ratioOf(wrk, direct, (s) => s.p50),
          hiveOverWrkStackCpu: ratioOf(hive, wrk, (s) => s.stackCpuMs),
          // What Hive's stack costs over WRK's without its gateway: the CPU ratio WRK would reach if its gateway cost nothing.
          gatewayFreeCeiling: ratioOf(
            hive,
            wrk,
            (s) => s.stackCpuMs,
            (s) => s.stackCpuMs - s.gatewayCpuMs,
          ),
        };
      };
      return [query.key, { 1: of(1), 16: of(16) }];
    }),
  );
}

/** The alternating run's table: each side's latencies at one connection, and the ratios the targets name. */
function tailsReport(result: ComparisonResult): string[] {
  const rows = COMPARED_QUERIES.flatMap((query) => {
    const tails = result.tails[query.key] ?? {};
    const { wrk, hive, direct, proxy } = tails;
    const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? times(a / b) : '—');
    return result.sides.flatMap((side) => {
      const tail = tails[side];
      if (!tail) return [];
      const ratios =
        side === 'wrk'
          ? `${ratio(wrk?.p50, hive?.p50)} | ${ratio(wrk?.p99, hive?.p99)} | ${ratio(wrk?.p50, direct?.p50)} | ${ratio(proxy?.p50, direct?.p50)}`
          : '| | |';
      return [
        `| ${query.key} | ${SIDE_LABELS[side]} | ${tail.requests} | ${num(tail.p50)} | ${num(tail.p99)} | ${num(tail.p999)} | ${ratios} |`,
      ];
    });
  });
  return [
    `Latency at one connection, the sides’ requests alternating one by one (each side’s next request follows the others’, the first rotated ` +
      `every cycle), ${result.tailSeconds} s per operation, after the loads above: a stall of the machine falls on every side alike here, where ` +
      'in the loads above it falls on whichever side ran at the time. Latencies in ms. The *bare proxy* (test/bench/bare-proxy.ts) ' +
      'forwards each request with its signed claims to the subgraph and answers with its answer, doing nothing else: its p50 ÷ direct ' +
      'p50 is what one more hop over loopback costs, the floor of WRK p50 ÷ direct p50 for any gateway, measured in the same cycles.',
    '',
    '| Query | Side | requests | p50 | p99 | p99.9 | WRK ÷ Hive p50 | WRK ÷ Hive p99 | WRK p50 ÷ direct p50 | floor: bare proxy p50 ÷ direct p50 |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

export function comparisonReport(result: ComparisonResult, work: WorkTable, ratios: ComparisonRatios): string[] {
  const rows = COMPARED_QUERIES.flatMap((query) =>
    result.sides.flatMap((side) => {
      const samples = result.samples[query.key]?.[side];
      if (!samples) return [];
      const at = (c: Connections, field: keyof Sample) => median(samples[c].map((s) => s[field]));
      const both = (field: keyof Sample) => `${num(at(1, field))} · ${num(at(16, field))}`;
      const w = work[query.key]?.[side];
      return [
        `| ${query.key} | ${SIDE_LABELS[side]} | ${num(at(1, 'rps'))} | ${num(at(1, 'p50'))} | ${num(at(1, 'p99'))} | ${num(at(16, 'rps'))} | ` +
          `${num(at(16, 'p50'))} | ${num(at(16, 'p99'))} | ${both('gatewayCpuMs')} | ${both('stackCpuMs')} | ${both('postgresCpuMs')} | ` +
          `${num(at(16, 'gatewayRssMb'))} | ${num(at(16, 'stackRssMb'))} | ${w ? w.sql : '—'} | ${w ? w.subgraphRequests : '—'} | ${both('subgraphRequests')} |`,
      ];
    }),
  );
  const ratioRows = COMPARED_QUERIES.flatMap((query) =>
    CONNECTIONS.map((c) => {
      const r = ratios[query.key]?.[c];
      return (
        `| ${query.key} | ${c} | ${showRatio(r?.wrkOverHiveRps)} | ${showRatio(r?.wrkOverHiveP99)} | ${showRatio(r?.wrkOverDirectP50)} | ` +
        `${showRatio(r?.hiveOverWrkStackCpu)} | ${showRatio(r?.gatewayFreeCeiling)} |`
      );
    }),
  );
  const perRound = COMPARED_QUERIES.flatMap((query) =>
    result.sides.flatMap((side) => {
      const samples = result.samples[query.key]?.[side];
      if (!samples) return [];
      return [`${query.key}/${side} ${samples[1].map((s) => num(s.rps)).join('/')} · ${samples[16].map((s) => num(s.rps)).join('/')}`];
    }),
  );
  const hive = result.sides.includes('hive');
  const shared = COMPARED_QUERIES.flatMap((query) => {
    const samples = result.samples[query.key]?.hive;
    if (!samples) return [];
    const c1 = median(samples[1].map((s) => s.subgraphRequests));
    const c16 = median(samples[16].map((s) => s.subgraphRequests));
    return c16 < 0.9 * c1 ? [`${query.key} ${num(c1)} → ${num(c16)}`] : [];
  });
  const sharedNote = shared.length
    ? [
        `**Not equal work at 16 connections:** Hive Gateway’s subgraph requests per request fall under concurrency (c=1 → c=16: ${shared.join('; ')}), ` +
          'WRK’s do not. Hive shares an in-flight subgraph request between concurrent client requests with the same subgraph query ' +
          '(`deduplicateInflightRequests` of @graphql-tools/executor-http, on by default, keyed by URL and body: the claims header the plugin adds ' +
          'in `onFetch` is not part of the key). Every connection here sends the same query with the same token, so Hive answers many of them from ' +
          'one subgraph call; its c=16 req/s, p99 and CPU per request are not at equal work, and across different callers the same sharing would hand ' +
          'one caller’s subgraph answer (made under their claims) to another.',
        '',
      ]
    : [];
  const load = (values: number[]) => values.map((v) => v.toFixed(1)).join(' / ');
  return [
    '## Gateways compared: WRK, Hive Gateway, direct',
    '',
    'Production shape: the four subgraphs as separate processes (NODE_ENV=production, each with only its own private key), ' +
      'shared by every side; WRK’s gateway one process' +
      (hive
        ? ', Hive Gateway one process (test/bench/hive.ts: the same auth work — JWT check against JWKS, session lookup, claims signed once per request)'
        : '') +
      '; *direct* is the one subgraph that answers the operation, called with the claims the gateway would sign for it (no token check, no session). ' +
      `Closed model (autocannon, loopback), ${result.seconds} s per load at 1 and 16 connections, ${result.rounds} rounds, the sides interleaved ` +
      '(A B C, rotated each round). Before the loads every side answered every operation with a full page of 20, no error, and the same data as WRK. ' +
      (result.pinned ? 'Servers pinned to CPU 1, the load generator to CPU 0, Postgres unpinned. ' : 'Nothing pinned. ') +
      'Medians over rounds; latencies in ms. CPU per request: user + system time from /proc/<pid>/stat of the side’s gateway process, and of the whole ' +
      'stack (the four subgraphs + that gateway + Postgres’ processes), from the start of the load until the processes are idle again, ÷ the requests ' +
      'sent (shown as c=1 · c=16). RSS after the c=16 load. SQL statements and subgraph requests per request: measured once per operation and side on a ' +
      'stack whose subgraphs run in the bench process (Prisma query events of every client; HTTP requests received by the four subgraphs: fetches, ' +
      'session lookups, subgraph → subgraph calls), least of 3 after warm-up; *under load*: the HTTP requests the four subgraph processes ' +
      'answered during the loads (their /metrics, `wrk_http_requests_total`) ÷ the requests sent (c=1 · c=16).',
    '',
    '| Query | Side | c=1 req/s | c=1 p50 | c=1 p99 | c=16 req/s | c=16 p50 | c=16 p99 | gateway CPU ms/req | stack CPU ms/req | of which Postgres | gateway RSS MB | stack RSS MB | SQL/req | subgraph requests/req | subgraph requests/req under load |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Ratios per round (both sides measured in the same round), median (min–max) over rounds:',
    '',
    '| Query | connections | WRK ÷ Hive req/s | WRK ÷ Hive p99 | WRK p50 ÷ direct p50 | Hive ÷ WRK stack CPU | the same, WRK’s gateway free |',
    '|---|---|---|---|---|---|---|',
    ...ratioRows,
    '',
    '*The same, WRK’s gateway free*: Hive’s stack CPU per request over WRK’s without WRK’s gateway process, per round: the CPU ratio WRK would ' +
      'reach if its gateway cost nothing, with the subgraphs and Postgres doing what WRK’s plans make them do. A target for WRK ÷ Hive above it ' +
      'cannot be met by gateway work alone.',
    '',
    ...tailsReport(result),
    ...sharedNote,
    ...(hive ? [] : ['Hive Gateway: not measured (the repo has no Hive config for the bench yet).', '']),
    COMPARED_QUERIES.map((q) => `- ${q.key}: ${q.label}`).join('\n'),
    '',
    `Per-round req/s (c=1 · c=16): ${perRound.join('; ')}.`,
    `1-minute load average of the machine at the start ${load(result.loadAverage.start)}, at the end ${load(result.loadAverage.end)} (1, 5, 15 min).`,
  ];
}
