import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What every log line of a request carries, bound for the whole of its handling (AsyncLocalStorage): set from the
 * incoming `x-request-id` when the request arrives, and replaced by the request ID of the verified claims once they
 * are read (the gateway's ID travels to every subgraph inside the signed claims, so a forged header cannot mislabel
 * a subgraph's lines for long).
 */
export interface RequestScope {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** The header the gateway answers with, and accepts from a caller who wants their own ID in our logs. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's ID is taken only when it is short and plain: it lands in log lines and response headers. */
const acceptableId = (value: unknown): value is string => typeof value === 'string' && /^[\w.:-]{1,128}$/.test(value);

export const requestIdFrom = (header: unknown): string => (acceptableId(header) ? header : randomUUID());

export const currentRequestScope = (): RequestScope | undefined => storage.getStore();

export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** Relabels the current request (e.g. with the claims' ID once they are verified). */
export function setCurrentRequestId(requestId: string): void {
  const scope = storage.getStore();
  if (scope) scope.requestId = requestId;
}
