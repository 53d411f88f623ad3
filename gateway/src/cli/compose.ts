// pnpm compose: rewrites supergraph.graphql, only when a subgraph schema (or the file itself) changed since the last
// composition (a content hash in .data/; `--force` composes anyway).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SUBGRAPHS } from '@wrk/catalog';
import { composeSupergraph, SUPERGRAPH_FILE, subgraphSdl } from '../compose.ts';

const STAMP = new URL('../../../.data/supergraph.sha256', import.meta.url);

const inputsHash = () => {
  const hash = createHash('sha256');
  for (const name of SUBGRAPHS) hash.update(`\0${name}\0${subgraphSdl(name)}`);
  return hash.update(`\0supergraph\0${existsSync(SUPERGRAPH_FILE) ? readFileSync(SUPERGRAPH_FILE, 'utf8') : ''}`).digest('hex');
};

if (!process.argv.includes('--force') && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === inputsHash()) {
  console.log('compose: supergraph.graphql up to date');
} else {
  writeFileSync(SUPERGRAPH_FILE, await composeSupergraph());
  mkdirSync(new URL('.', STAMP), { recursive: true });
  writeFileSync(STAMP, `${inputsHash()}\n`);
  console.log(`compose: wrote ${SUPERGRAPH_FILE.pathname}`);
}
