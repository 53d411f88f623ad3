import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEV_DATA_DIR } from '@wrk/devdb';
import { z } from 'zod';
import { boxConfigFromEnv, type BoxConfig } from './client.ts';

/** Where `pnpm start` tells other processes (`pnpm wrk box sync`) how to reach the local fake Box it runs. */
export const RUNNING_FAKE_BOX_FILE = resolve(DEV_DATA_DIR, '../fake-box.json');

const fakeBoxFile = z.object({
  apiBase: z.string(),
  clientId: z.string(),
  clientSecret: z.string(),
  enterpriseId: z.string(),
});

/** Box's configuration: the environment's (real Box) first, else the fake Box of a running `pnpm start`, else null. */
export function resolveBoxConfig(env: NodeJS.ProcessEnv = process.env): BoxConfig | null {
  const fromEnv = boxConfigFromEnv(env);
  if (fromEnv) return fromEnv;
  if (!existsSync(RUNNING_FAKE_BOX_FILE)) return null;
  const parsed = fakeBoxFile.safeParse(JSON.parse(readFileSync(RUNNING_FAKE_BOX_FILE, 'utf8')));
  return parsed.success ? parsed.data : null;
}
