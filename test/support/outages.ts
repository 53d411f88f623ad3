/**
 * What a client sees during a fault: each request's HTTP status, first error code and headers, bounded by a client-side
 * deadline (a request still unanswered then counts as NO_ANSWER, so a hang shows in the tally instead of stalling
 * the test), and a tally of the outcomes for the report.
 */
export interface Outcome {
  /** 0 when nothing came back (refused connection, or the client's deadline passed). */
  status: number;
  /** The first error's `extensions.code`, `OK` without errors, `NO_ANSWER` without a response. */
  code: string;
  requestId: string | null;
  retryAfter: string | null;
  data: unknown;
  errors: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export async function ask(
  url: string,
  query: string,
  options: { token?: string; variables?: Record<string, unknown>; deadlineMs?: number } = {},
): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      body: JSON.stringify({ query, variables: options.variables ?? {} }),
      signal: AbortSignal.timeout(options.deadlineMs ?? 20_000),
    });
    const body = (await response.json()) as { data?: unknown; errors?: Outcome['errors'] };
    const errors = body.errors ?? [];
    return {
      status: response.status,
      code: errors.length ? (errors[0]?.extensions?.code ?? 'NONE') : 'OK',
      requestId: response.headers.get('x-request-id'),
      retryAfter: response.headers.get('retry-after'),
      data: body.data ?? null,
      errors,
    };
  } catch {
    return { status: 0, code: 'NO_ANSWER', requestId: null, retryAfter: null, data: null, errors: [] };
  }
}

/** Outcomes counted by "status code", e.g. `{ "200 OK": 40, "503 UNAVAILABLE": 12 }`. */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status, code } of outcomes) counts[`${status} ${code}`] = (counts[`${status} ${code}`] ?? 0) + 1;
  return counts;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Prints a fault's tally, so a run records what clients saw (the report's before/after counts). */
export function report(fault: string, outcomes: Outcome[]): void {
  process.stdout.write(`[fault] ${fault}: ${JSON.stringify(tally(outcomes))}\n`);
}

/**
 * The code of the first answer that is not UNAVAILABLE, asking again for a few seconds: a process just (re)started
 * may still be warming up (its first requests compile code and open pools).
 */
export async function afterRecovery(url: string, query: string, options: Parameters<typeof ask>[2] = {}): Promise<string> {
  let outcome = await ask(url, query, options);
  for (let attempt = 0; attempt < 20 && ['UNAVAILABLE', 'NO_ANSWER'].includes(outcome.code); attempt += 1) {
    await sleep(500);
    outcome = await ask(url, query, options);
  }
  return outcome.code;
}
