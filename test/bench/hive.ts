/**
 * The Hive Gateway side of the comparison: undefined until the repo has a Hive Gateway config doing WRK's auth
 * work (the comparison then runs WRK and direct only, and says so).
 */
import type { GatewayStarter } from './compare.ts';

export const startHive: GatewayStarter | undefined = undefined;
