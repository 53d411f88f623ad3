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
