/**
 * The Hive Gateway side of the comparison: Hive Gateway with WRK's claims plugin (gateway/src/hive/), one process
 * (test/bench/hive-main.ts), doing the same auth work as WRK's gateway.
 */
import type { GatewayStarter } from './compare.ts';
import { ownerUrlEnv, startNodeProcess } from './processes.ts';

export const startHive: GatewayStarter | undefined = ({ subgraphUrls, keysDir, databaseUrl }) =>
  startNodeProcess('Hive Gateway', 'test/bench/hive-main.ts', {
    ...ownerUrlEnv(subgraphUrls),
    DATABASE_URL: databaseUrl,
    WRK_KEYS_DIR: keysDir,
  });
