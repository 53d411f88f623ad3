// pnpm explorer:build (part of `pnpm generate`, and of `pnpm start`): bundles the explorer's browser assets, only when
// one of its sources or the installed GraphiQL, React or Cytoscape changed (a content hash in the output folder;
// `--force` builds anyway).
import { join } from 'node:path';
import { inputsHash, isCurrent, versionOf, writeStamp } from '../../../tools/stamp.ts';
import { buildExplorer, EXPLORER_DIR, EXPLORER_DIST, explorerManifest } from '../explorerBuild.ts';

const STAMP = join(EXPLORER_DIST, 'inputs.sha256');
const gatewayModules = new URL('../../node_modules/', import.meta.url).pathname;
const versions = ['graphiql', 'react', 'react-dom', 'cytoscape', 'esbuild']
  .map((name) => `${name}@${versionOf(join(gatewayModules, name, 'package.json'))}`)
  .join(',');
const hash = inputsHash(
  [
    `${EXPLORER_DIR}src/**/*.tsx`,
    `${EXPLORER_DIR}src/**/*.ts`,
    `${EXPLORER_DIR}src/**/*.css`,
    new URL('../explorerBuild.ts', import.meta.url).pathname,
  ],
  versions,
);

if (!process.argv.includes('--force') && isCurrent(STAMP, hash) && explorerManifest()) {
  console.log('explorer: assets up to date');
} else {
  const started = Date.now();
  await buildExplorer();
  writeStamp(STAMP, hash);
  console.log(`explorer: assets built in ${Date.now() - started} ms`);
}
