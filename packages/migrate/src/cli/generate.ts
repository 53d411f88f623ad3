// pnpm db:generate: `prisma generate` for every slice, offline.
// The Prisma CLI insists on locating its native schema engine (and downloads it when missing) even though
// generate never runs it; any existing file satisfies it, hence the /bin/false default.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, SLICES, schemaPath } from '../paths.ts';

const prisma = join(REPO_ROOT, 'node_modules', '.bin', 'prisma');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
  CHECKPOINT_DISABLE: '1', // no version-check request to checkpoint.prisma.io
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const failed: string[] = [];
for (const slice of SLICES) {
  const schema = schemaPath(slice);
  if (!existsSync(schema)) {
    failed.push(`${slice} (missing ${relative(REPO_ROOT, schema)})`);
    continue;
  }
  const started = Date.now();
  const run = spawnSync(prisma, ['generate', '--schema', relative(REPO_ROOT, schema)], { cwd: REPO_ROOT, env, encoding: 'utf8' });
  if (run.status === 0) {
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
