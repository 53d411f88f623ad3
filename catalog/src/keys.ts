import { resolve } from 'node:path';
import { ensureServiceKeys, keysDirFromEnv, loadKeyring, type ServiceKeyring } from '@wrk/platform';
import { SUBGRAPHS, type SubgraphName } from './index.ts';

/** Every process that signs requests: the gateway and the subgraphs. */
export const SERVICES = ['gateway', ...SUBGRAPHS] as const;
export type ServiceName = 'gateway' | SubgraphName;

/** Where a checkout keeps the keys it generates for itself (never committed: .data is ignored). */
export const DEV_KEYS_DIR = resolve(new URL('../../.data/keys', import.meta.url).pathname);

/**
 * The keyring of a service, from `dir`, else WRK_KEYS_DIR, else the checkout's dev keys. Outside production, missing
 * key pairs are generated on first use; in production nothing is generated and a missing key refuses the start.
 */
export function serviceKeyring(service: ServiceName, dir?: string): ServiceKeyring {
  const keysDir = dir ?? keysDirFromEnv(DEV_KEYS_DIR);
  if (process.env.NODE_ENV !== 'production') ensureServiceKeys(keysDir, SERVICES);
  return loadKeyring(keysDir, service);
}
