import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** Migration order: platform first, the others do not depend on each other. */
export const SLICES = ['platform', 'identity', 'core', 'files', 'agents'] as const;
export type Slice = (typeof SLICES)[number];

export function isSlice(value: string): value is Slice {
  return SLICES.some((slice) => slice === value);
}

/** The repository root (this file is `<root>/packages/migrate/src/paths.ts`). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** Every function taking `root` reads `<root>/prisma/<slice>/…`; tests point it at a temporary directory. */
export const sliceDir = (slice: Slice, root = REPO_ROOT) => join(root, 'prisma', slice);
export const schemaPath = (slice: Slice, root = REPO_ROOT) => join(sliceDir(slice, root), 'schema.prisma');
export const migrationsDir = (slice: Slice, root = REPO_ROOT) => join(sliceDir(slice, root), 'migrations');
export const constraintsPath = (slice: Slice, root = REPO_ROOT) => join(sliceDir(slice, root), 'constraints.sql');

export const MIGRATIONS_TABLE = '_wrk_migrations';
