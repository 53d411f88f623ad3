/**
 * SQL statements and subgraph requests per request of each compared operation and side, measured once on a stack
 * whose subgraphs run in this process (the counters of test/support/instrumentation.ts and test/bench/fixture.ts
 * see every Prisma client and every HTTP server here), whichever process the gateway runs in: WRK's in this process,
 * Hive's as a process of its own in front of these subgraphs. Subgraph requests are the HTTP requests the four
 * subgraphs receive (the gateway's fetches, a session lookup at identity when the gateway has none cached, and the
 * subgraphs' own calls to each other); SQL statements are those of every client of the process (the gateway's
 * included).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBGRAPHS } from '@wrk/catalog';
import { CLAIMS_HEADER, signClaims, type Claims, type ServiceKeyring } from '@wrk/platform';
import type { TestStack } from '../support/stack.ts';
import { sqlStatements } from '../support/instrumentation.ts';
import { requestsReceived } from './fixture.ts';
import type { GatewayStarter, SideKey } from './compare.ts';
import type { MeasuredProcess } from './processes.ts';
import { COMPARED_QUERIES } from './queries.ts';

export interface WorkPerRequest {
  sql: number;
  subgraphRequests: number;
}
/** work[query][side] */
export type WorkTable = Record<string, Partial<Record<SideKey, WorkPerRequest>>>;

/** A keys directory holding the gateway's private key and every public key of `keyring` (for a gateway process). */
function keysDirOf(keyring: ServiceKeyring): string {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-bench-keys-'));
  if (!keyring.privateKey) throw new Error('the gateway keyring has no private key');
  writeFileSync(join(dir, `${keyring.service}.key.pem`), keyring.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  for (const [service, keys] of keyring.trusted) {
    const pems = [...keys.values()].map((key) => key.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, `${service}.pub.pem`), pems.join(''));
  }
  return dir;
}

export async function measureWork(stack: TestStack, claims: Claims, startHive?: GatewayStarter): Promise<WorkTable> {
  const token = await stack.token('admin@wrk.demo');
  let hive: MeasuredProcess | undefined;
  if (startHive) {
    hive = await startHive({
      subgraphUrls: stack.subgraphUrls,
      keysDir: keysDirOf(stack.keyrings.gateway),
      databaseUrl: stack.databaseUrl,
    });
  }
  try {
    const ports = SUBGRAPHS.map((name) => Number(new URL(stack.subgraphUrls[name]).port));
    const received = () => ports.reduce((sum, port) => sum + requestsReceived(port), 0);
    const gatewayHeaders = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const table: WorkTable = {};
    for (const query of COMPARED_QUERIES) {
      const body = JSON.stringify({ query: query.query });
      const targets: [SideKey, () => { url: string; headers: Record<string, string> } | undefined][] = [
        ['wrk', () => ({ url: stack.gatewayUrl, headers: gatewayHeaders })],
        ['hive', () => hive && { url: `${hive.url}/graphql`, headers: gatewayHeaders }],
        [
          'direct',
          () =>
            query.direct && {
              url: stack.subgraphUrls[query.direct],
              headers: {
                'content-type': 'application/json',
                [CLAIMS_HEADER]: signClaims(stack.keyrings.gateway, query.direct, { query: query.query }, claims),
              },
            },
        ],
      ];
      const row: Partial<Record<SideKey, WorkPerRequest>> = {};
      for (const [side, target] of targets) {
        if (!target()) continue;
        const send = async () => {
          const to = target();
          if (!to) throw new Error(`${side} has no target`);
          const response = await fetch(to.url, { method: 'POST', headers: to.headers, body, signal: AbortSignal.timeout(30_000) });
          const answer = (await response.json()) as { errors?: unknown[] };
          if (answer.errors) throw new Error(`${side} ${query.key}: ${JSON.stringify(answer.errors).slice(0, 400)}`);
        };
        for (let i = 0; i < 5; i++) await send();
        // The least of 3: periodic work (key refreshes, cache expiry) that lands in one request is left out.
        let least: WorkPerRequest = { sql: Infinity, subgraphRequests: Infinity };
        for (let i = 0; i < 3; i++) {
          const sql = sqlStatements.count;
          const requests = received();
          await send();
          // Servers finish their bookkeeping by the time the response is read; one more turn lets stragglers land.
          await new Promise((resolve) => setImmediate(resolve));
          least = {
            sql: Math.min(least.sql, sqlStatements.count - sql),
            subgraphRequests: Math.min(least.subgraphRequests, received() - requests),
          };
        }
        row[side] = least;
      }
      table[query.key] = row;
    }
    return table;
  } finally {
    await hive?.stop();
  }
}
