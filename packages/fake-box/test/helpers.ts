import { BoxApiError } from 'box-node-sdk/box';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { BoxClient, BoxDeveloperTokenAuth, BoxCcgAuth, CcgConfig } from 'box-node-sdk';
import { NetworkSession, BaseUrls, BoxRetryStrategy } from 'box-node-sdk/networking';
import type { Authentication, RetryStrategy } from 'box-node-sdk/networking';
import { DEFAULT_APP, type FakeBox } from '../src/index.ts';

/** The SDK's network session pointed at the fake (as WRK's client will do with BOX_API_BASE). */
export function sessionFor(fake: FakeBox, retryStrategy?: RetryStrategy): NetworkSession {
  const base = fake.url;
  const ns = new NetworkSession({ baseUrls: new BaseUrls({ baseUrl: base, uploadUrl: `${base}/api`, oauth2Url: `${base}/oauth2` }) });
  return ns.withRetryStrategy(retryStrategy ?? new BoxRetryStrategy({ maxAttempts: 1 }));
}

export function clientWith(fake: FakeBox, auth: Authentication, retryStrategy?: RetryStrategy): BoxClient {
  return new BoxClient({ auth, networkSession: sessionFor(fake, retryStrategy) });
}

export function ccgClient(fake: FakeBox, retryStrategy?: RetryStrategy): BoxClient {
  const config = new CcgConfig({
    clientId: DEFAULT_APP.clientId,
    clientSecret: DEFAULT_APP.clientSecret,
    enterpriseId: fake.state.enterpriseId,
  });
  return clientWith(fake, new BoxCcgAuth({ config }), retryStrategy);
}

export function devTokenClient(fake: FakeBox, token: string): BoxClient {
  return clientWith(fake, new BoxDeveloperTokenAuth({ token }));
}

/** A page's entries as Box sent them (snake_case rawData): the typed models drop fields of sub-folders. */
export function rawEntries(page: { rawData?: unknown }): Record<string, any>[] {
  const raw = page.rawData;
  if (raw && typeof raw === 'object' && 'entries' in raw && Array.isArray(raw.entries)) return raw.entries;
  throw new Error('the page has no raw entries');
}

/** The text of a download. */
export async function readText(stream: Readable | undefined): Promise<string> {
  if (!stream) throw new Error('no content');
  return text(stream);
}

/** The HTTP status a Box call ended with: 200, or the status of the BoxApiError it threw. */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (e) {
    if (e instanceof BoxApiError) return e.responseInfo.statusCode;
    throw e;
  }
}
