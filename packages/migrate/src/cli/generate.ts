// pnpm db:generate: `prisma generate` for every slice with a client, offline, only when its schema changed
// (a content hash next to the client; `--force` regenerates all). The platform slice has no client: no code reads it through Prisma.
// The Prisma CLI insists on locating its native schema engine (and downloads it when missing) even though
// generate never runs it; any existing file satisfies it, hence the /bin/false default.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inputsHash, isCurrent, versionOf, writeStamp } from '../../../../tools/stamp.ts';
import { REPO_ROOT, SLICES, schemaPath } from '../paths.ts';

const prisma = join(REPO_ROOT, 'node_modules', '.bin', 'prisma');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
  CHECKPOINT_DISABLE: '1', // no version-check request to checkpoint.prisma.io
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const PRISMA_VERSION = versionOf(join(REPO_ROOT, 'node_modules', 'prisma', 'package.json'));
const force = process.argv.includes('--force');

/** The client's directory: the generator's `output`, relative to the schema; none when the slice has no generator. */
function clientDir(schema: string): string | undefined {
  const output = /generator\s+client\s*\{[^}]*\boutput\s*=\s*"([^"]+)"/.exec(readFileSync(schema, 'utf8'))?.[1];
  return output === undefined ? undefined : join(schema, '..', output);
}

const failed: string[] = [];
for (const slice of SLICES) {
  const schema = schemaPath(slice);
  if (!existsSync(schema)) {
    failed.push(`${slice} (missing ${relative(REPO_ROOT, schema)})`);
    continue;
  }
  const output = clientDir(schema);
  if (output === undefined) continue;
  const stamp = join(output, 'schema.sha256');
  const hash = inputsHash([schema], `prisma@${PRISMA_VERSION}`);
  if (!force && isCurrent(stamp, hash)) continue;
  const started = Date.now();
  const run = spawnSync(prisma, ['generate', '--schema', relative(REPO_ROOT, schema)], { cwd: REPO_ROOT, env, encoding: 'utf8' });
  if (run.status === 0) {
    writeStamp(stamp, hash);
    console.log(`${slice}: generated in ${Date.now() - started} ms`);
  } else {
    failed.push(slice);
    console.error(`${slice}: prisma generate failed (exit ${run.status ?? run.signal})\n${run.stdout}${run.stderr}${run.error ?? ''}`);
  }
}
if (failed.length > 0) {
  console.error(`db:generate failed for: ${failed.join(', ')}`);
  process.exit(1);
}
