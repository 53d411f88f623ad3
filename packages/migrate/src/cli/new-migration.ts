// pnpm db:migration <slice> <name>
import { relative } from 'node:path';
import { REPO_ROOT, SLICES, isSlice } from '../paths.ts';
import { newMigration } from '../new-migration.ts';

const [slice, name] = process.argv.slice(2);
if (!slice || !name || !isSlice(slice)) {
  console.error(`usage: pnpm db:migration <${SLICES.join('|')}> <name>`);
  process.exit(2);
}
try {
  const file = await newMigration(slice, name);
  console.log(file ? `wrote ${relative(REPO_ROOT, file)}` : `${slice}: no changes`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
