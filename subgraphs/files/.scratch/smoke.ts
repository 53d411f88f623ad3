import { CLAIMS_HEADER, gatewaySecret, signClaims, sqlStatements, startSubgraph } from '@wrk/platform';
import { DEMO } from '@wrk/catalog/demo';
import { createFilesDb } from '../src/db.ts';
import { filesSubgraph } from '../src/subgraph.ts';
import { seedFiles } from '../src/seed.ts';
import { createAgentsDb } from '../../agents/src/db.ts';
import { agentsSubgraph } from '../../agents/src/subgraph.ts';
import { seedAgents } from '../../agents/src/seed.ts';

const url = process.env.DATABASE_URL!;
const filesDb = createFilesDb(url);
const agentsDb = createAgentsDb(url);
console.log('seed files', await seedFiles(filesDb));
console.log('seed files again', await seedFiles(filesDb));
console.log('seed agents', await seedAgents(agentsDb));
console.log('seed agents again', await seedAgents(agentsDb));
const files = await startSubgraph(filesSubgraph(filesDb));
const agents = await startSubgraph(agentsSubgraph(agentsDb));

const claims = { sub: DEMO.users.staff, kind: 'staff' as const, role: 'staff', teams: [], scopes: ['files:read', 'files:write', 'agents:read', 'agents:write'], requestId: 'req_smoke' };
export async function gql(target: string, query: string, variables: Record<string, unknown> = {}, c: object = claims) {
  const before = sqlStatements.count;
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: await signClaims({ ...claims, ...c }, gatewaySecret()) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  console.log(`--- [${sqlStatements.count - before} SQL] ${query.replace(/\s+/g, ' ').slice(0, 110)}`);
  console.log(JSON.stringify(body, null, 1).slice(0, 2500));
  return body;
}
const F = files.url, A = agents.url;
const script = process.argv[2] ?? 'all';
const mod = await import(`./${script}.ts`);
try { await mod.run(gql, F, A); } finally {
  await files.stop(); await agents.stop(); await filesDb.$disconnect(); await agentsDb.$disconnect();
}
