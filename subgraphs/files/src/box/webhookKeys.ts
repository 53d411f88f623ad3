import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keysDirFromEnv, makeKeysDir, writePrivate } from '@wrk/platform';
import { DEV_KEYS_DIR } from '@wrk/catalog/keys';
import type { BoxWebhookKeys } from './webhookSignature.ts';

const FILES = { primary: 'box-webhook-primary.secret', secondary: 'box-webhook-secondary.secret' } as const;

function readOrCreate(dir: string, file: string, create: boolean): string | undefined {
  const path = join(dir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim() || undefined;
  if (!create) return undefined;
  makeKeysDir(dir);
  // Box's console shows 32-character keys; any string works as an HMAC key.
  const key = randomBytes(24).toString('base64url');
  writePrivate(path, `${key}\n`);
  return key;
}

/**
 * The keys that verify Box webhook deliveries (Box's developer console → the app's Webhooks tab):
 * BOX_WEBHOOK_PRIMARY_KEY / BOX_WEBHOOK_SECONDARY_KEY, else `box-webhook-{primary,secondary}.secret` in the keys
 * directory (`dir`, WRK_KEYS_DIR or `.data/keys`), generated there on first use outside production — the fake Box
 * API signs with the same files. Undefined when there is no primary key: the route then answers 503.
 */
export function boxWebhookKeys(dir?: string, env: NodeJS.ProcessEnv = process.env): BoxWebhookKeys | undefined {
  const primary = env.BOX_WEBHOOK_PRIMARY_KEY;
  if (primary) return { primary, secondary: env.BOX_WEBHOOK_SECONDARY_KEY || undefined };
  const production = env.NODE_ENV === 'production';
  const keysDir = dir ?? (production && !env.WRK_KEYS_DIR ? undefined : keysDirFromEnv(DEV_KEYS_DIR));
  if (keysDir === undefined) return undefined;
  const fromFile = readOrCreate(keysDir, FILES.primary, !production);
  if (fromFile === undefined) return undefined;
  return { primary: fromFile, secondary: readOrCreate(keysDir, FILES.secondary, !production) };
}
