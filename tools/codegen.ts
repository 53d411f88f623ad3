// pnpm codegen: typed resolvers (graphql-codegen, see codegen.ts), regenerated only for outputs whose inputs changed.
import { createRequire } from 'node:module';
import config from '../codegen.ts';
import { inputsHash, isCurrent, versionOf, writeStamp } from './stamp.ts';

const require = createRequire(import.meta.url);
const GENERATORS = ['@graphql-codegen/cli', '@graphql-codegen/typescript', '@graphql-codegen/typescript-resolvers']
  .map((name) => `${name}@${versionOf(require.resolve(`${name}/package.json`))}`)
  .join(' ');

const schemaFiles = (output: { schema?: unknown }): string[] => [output.schema ?? []].flat().filter((s) => typeof s === 'string');

const force = process.argv.includes('--force');
const stale = Object.entries(config.generates).flatMap(([path, output]) => {
  if (Array.isArray(output) || typeof output !== 'object' || !('plugins' in output)) return [{ path, output, hash: '', stamp: '' }];
  const hash = inputsHash(schemaFiles(output), `${GENERATORS}\n${JSON.stringify(output)}`);
  const stamp = `${path}.inputs.sha256`;
  return !force && isCurrent(stamp, hash) ? [] : [{ path, output, hash, stamp }];
});

if (stale.length === 0) {
  console.log('codegen: resolver types up to date');
} else {
  // Loaded only when needed: it takes seconds to import.
  const { generate } = await import('@graphql-codegen/cli');
  await generate({ ...config, silent: true, generates: Object.fromEntries(stale.map(({ path, output }) => [path, output])) }, true);
  for (const { path, hash, stamp } of stale) {
    if (stamp) writeStamp(stamp, hash);
    console.log(`codegen: generated ${path}`);
  }
}
