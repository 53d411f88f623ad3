import { BoxApiError, BoxSdkError } from 'box-node-sdk/box';
import { BoxRetryStrategy, type RetryStrategy, type FetchOptions, type FetchResponse } from 'box-node-sdk/networking';
import { startFakeBox, type FakeBox } from '../src/index.ts';
import { ccgClient } from './helpers.ts';

/** Box's strategy for the decision, with a delay of 0 so tests wait for nothing; records the retry-after each retry saw. */
class RecordingStrategy implements RetryStrategy {
  readonly seen: (string | undefined)[] = [];
  private readonly base = new BoxRetryStrategy({ maxAttempts: 4 });
  shouldRetry(o: FetchOptions, r: FetchResponse, n: number): Promise<boolean> {
    return this.base.shouldRetry(o, r, n);
  }
  retryAfter(_o: FetchOptions, r: FetchResponse): number {
    this.seen.push(r.headers['retry-after']);
    return 0;
  }
}

describe('injected faults', () => {
  let fake: FakeBox;
  beforeAll(async () => {
    fake = await startFakeBox();
  });
  afterAll(() => fake.stop());

  test('429 with retry-after reaches the SDK (headers of the error, and the retry strategy)', async () => {
    const client = ccgClient(fake);
    await client.folders.getFolderById('0');
    fake.failNext({ path: /\/folders\/0\/items$/, status: 429, retryAfter: 7 });
    try {
      await client.folders.getFolderItems('0');
      throw new Error('expected a 429');
    } catch (e) {
      if (!(e instanceof BoxApiError)) throw e;
      expect(e.responseInfo.statusCode).toBe(429);
      expect(e.responseInfo.headers['retry-after']).toBe('7');
      expect(e.responseInfo.body).toMatchObject({ type: 'error', status: 429, code: 'rate_limit_exceeded' });
    }
    const strategy = new RecordingStrategy();
    const retrying = ccgClient(fake, strategy);
    fake.failNext({ path: /\/folders\/0\/items$/, status: 429, retryAfter: 3 });
    fake.failNext({ path: /\/folders\/0\/items$/, status: 503, times: 1 });
    const items = await retrying.folders.getFolderItems('0');
    expect(items.entries).toEqual([]);
    expect(strategy.seen).toEqual(['3', undefined]);
    const log = fake.requests.filter((r) => r.path === '/2.0/folders/0/items').map((r) => r.status);
    expect(log.slice(-3)).toEqual([429, 503, 200]);
  });

  test('a delay longer than the client timeout fails the call as a network error', async () => {
    const client = ccgClient(fake, new BoxRetryStrategy({ maxAttempts: 1, maxRetriesOnException: 0 })).withTimeouts({ timeoutMs: 200 });
    await client.folders.getFolderById('0');
    fake.delayNext({ path: /\/folders\/0$/, ms: 1500 });
    await expect(client.folders.getFolderById('0')).rejects.toBeInstanceOf(BoxSdkError);
    await expect(client.folders.getFolderById('0')).resolves.toMatchObject({ id: '0' });
  });
});
