import { groupCommitLoader } from '../src/loaders.ts';
import { decodeFrames, encodeFrames } from '../src/frames.ts';

/** A batch function whose batches stay open until released, recording what each held. */
function heldBatches() {
  const batches: { items: readonly number[]; release: (error?: Error) => void }[] = [];
  const run = (items: readonly number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, release: (error) => (error ? reject(error) : resolve(items.map((item) => `answer ${item}`))) });
    });
  return { batches, run };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('groupCommitLoader', () => {
  it('runs an item at once when idle; items arriving while every slot is busy wait and go together', async () => {
    const { batches, run } = heldBatches();
    const loader = groupCommitLoader(run, { maxBatchSize: 10, batchesInFlight: 2 });
    const first = loader.load(1);
    await settle();
    const second = loader.load(2);
    await settle();
    expect(batches.map(({ items }) => items)).toEqual([[1], [2]]);

    const waiting = [3, 4, 5].map((item) => loader.load(item));
    await settle();
    expect(batches).toHaveLength(2);
    batches[0]!.release();
    expect(await first).toBe('answer 1');
    await settle();
    expect(batches.map(({ items }) => items)).toEqual([[1], [2], [3, 4, 5]]);
    batches[1]!.release();
    batches[2]!.release();
    expect(await Promise.all([second, ...waiting])).toEqual(['answer 2', 'answer 3', 'answer 4', 'answer 5']);
  });

  it('a failed batch fails each of its items and frees its slot', async () => {
    const { batches, run } = heldBatches();
    const loader = groupCommitLoader(run, { maxBatchSize: 10, batchesInFlight: 1 });
    const failing = loader.load(1);
    await settle();
    const next = loader.load(2);
    await settle();
    batches[0]!.release(new Error('the statement failed'));
    await expect(failing).rejects.toThrow('the statement failed');
    await settle();
    expect(batches.map(({ items }) => items)).toEqual([[1], [2]]);
    batches[1]!.release();
    expect(await next).toBe('answer 2');
  });

  it('splits what waits into batches of at most maxBatchSize', async () => {
    const { batches, run } = heldBatches();
    const loader = groupCommitLoader(run, { maxBatchSize: 2, batchesInFlight: 1 });
    const all = [1, 2, 3, 4, 5].map((item) => loader.load(item));
    for (let released = 0; released < 3; released += 1) {
      await settle();
      batches[released]!.release();
    }
    await Promise.all(all);
    expect(batches.map(({ items }) => items)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('frames', () => {
  it('carry any bytes through unchanged, empty parts included', () => {
    const parts = [Buffer.from('{"a":"b"}'), Buffer.alloc(0), Buffer.from([0xff, 0x00, 0xfe])];
    expect(decodeFrames(encodeFrames(parts), 3)).toEqual(parts);
  });

  it('refuse a sequence cut short, a length past the end, or more parts than allowed', () => {
    const data = encodeFrames([Buffer.from('one'), Buffer.from('two')]);
    expect(decodeFrames(data.subarray(0, data.length - 1), 2)).toBeUndefined();
    expect(decodeFrames(data.subarray(0, 2), 2)).toBeUndefined();
    expect(decodeFrames(data, 1)).toBeUndefined();
  });
});
