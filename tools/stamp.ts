import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files a path names: itself, or for `dir/**\/*.ext` every file under dir ending in .ext. */
function expand(pattern: string): string[] {
  const glob = /^(.*)\/\*\*\/\*(\.[\w.]+)$/.exec(pattern);
  if (!glob?.[1] || !glob[2]) return [pattern];
  const [, dir, extension] = glob;
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(extension) && !file.split('/').includes('node_modules'))
    .map((file) => join(dir, file));
}

/**
 * A content hash of a step's inputs, stored next to its outputs: the step runs again only when an input
 * changed, or when its outputs were removed with the stamp.
 */
export function inputsHash(files: readonly string[], extra = ''): string {
  const hash = createHash('sha256').update(extra);
  for (const file of files.flatMap(expand).sort()) hash.update(`\0${file}\0`).update(existsSync(file) ? readFileSync(file) : '');
  return hash.digest('hex');
}

export const isCurrent = (stampFile: string, hash: string) => existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash;

export const writeStamp = (stampFile: string, hash: string) => writeFileSync(stampFile, `${hash}\n`);

/** The installed version of a package, so that upgrading a generator regenerates too. */
export const versionOf = (packageJson: string): string => {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  return version;
};
