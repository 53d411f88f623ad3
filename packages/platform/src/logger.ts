import { pino } from 'pino';
import { currentRequestId } from './requestScope.ts';

/** JSON lines; inside a request (requestScope.ts) every line carries its `requestId`, whichever module logs it. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: undefined,
  mixin() {
    const requestId = currentRequestId();
    return requestId ? { requestId } : {};
  },
});

/**
 * Calls `write` at most once per `intervalMs`, telling it how many calls it left out since its last line: for
 * trouble a stranger can cause at will (forged deliveries, aborted uploads), so that a flood of it is one line.
 */
export function throttledLog<T extends object>(write: (fields: T & { suppressed: number }) => void, intervalMs = 10_000) {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (fields: T) => {
    const now = Date.now();
    if (now - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    write({ ...fields, suppressed });
    lastAt = now;
    suppressed = 0;
  };
}
