import { rowsByKeys } from '../src/loaders.ts';

interface Row {
  id: number;
  externalId: string;
}
type Condition = { id: number[] } | { externalId: string[] };

const ROWS: Row[] = [1, 2, 3].map((id) => ({ id, externalId: `row_${id}` }));
const matches = (row: Row, condition: Condition) =>
  'id' in condition ? condition.id.includes(row.id) : condition.externalId.includes(row.externalId);

/** A table of three rows whose reads are recorded, and stay open until released when `held`. */
function table({ held = false } = {}) {
  const reads: { conditions: Condition[]; release: (error?: Error) => void }[] = [];
  const fetch = (conditions: Condition[]) =>
    new Promise<Row[]>((resolve, reject) => {
      const release = (error?: Error) =>
        error ? reject(error) : resolve(ROWS.filter((row) => conditions.some((condition) => matches(row, condition))));
      reads.push({ conditions, release });
      if (!held) release();
    });
  const rows = rowsByKeys(fetch);
  const byId = rows.by(
    (row) => row.id,
    (ids) => ({ id: ids }),
  );
  const byExternalId = rows.by(
    (row) => row.externalId,
    (ids) => ({ externalId: ids }),
  );
  return { reads, byId, byExternalId };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('rowsByKeys', () => {
  it('reads the keys asked under both keys in one tick in one fetch, and answers each', async () => {
    const { reads, byId, byExternalId } = table();
    const [one, two, missing] = await Promise.all([byId.load(1), byExternalId.load('row_2'), byId.load(9)]);
    expect([one, two, missing]).toEqual([ROWS[0], ROWS[1], null]);
    expect(reads.map((read) => read.conditions)).toEqual([[{ id: [1, 9] }, { externalId: ['row_2'] }]]);
  });

  it('a row read under one key answers the other without a second read', async () => {
    const { reads, byId, byExternalId } = table();
    await byExternalId.load('row_3');
    expect(await byId.load(3)).toEqual(ROWS[2]);
    expect(reads).toHaveLength(1);
  });

  it('a load under another key while a read is in flight waits for it, and reads only what it did not find', async () => {
    const { reads, byId, byExternalId } = table({ held: true });
    const first = byExternalId.load('row_1');
    await settle();
    const second = byId.loadMany([1, 2]);
    await settle();
    expect(reads).toHaveLength(1);
    reads[0]?.release();
    await settle();
    expect(reads.map((read) => read.conditions)).toEqual([[{ externalId: ['row_1'] }], [{ id: [2] }]]);
    reads[1]?.release();
    expect(await first).toEqual(ROWS[0]);
    expect(await second).toEqual([ROWS[0], ROWS[1]]);
  });

  it('primeRow answers every key; clear forgets under every key', async () => {
    const { reads, byId, byExternalId } = table();
    byId.primeRow({ id: 2, externalId: 'row_2' });
    expect(await byExternalId.load('row_2')).toEqual(ROWS[1]);
    expect(await byId.load(2)).toEqual(ROWS[1]);
    expect(reads).toHaveLength(0);

    byExternalId.clear('row_2');
    expect(await byId.load(2)).toEqual(ROWS[1]);
    expect(reads.map((read) => read.conditions)).toEqual([[{ id: [2] }]]);
    byId.clearAll();
    expect(await byExternalId.load('row_2')).toEqual(ROWS[1]);
    expect(reads).toHaveLength(2);
  });

  it('a failed read fails its loads only; the next read goes on', async () => {
    const { reads, byId, byExternalId } = table({ held: true });
    const failing = byId.load(1);
    await settle();
    reads[0]?.release(new Error('connection lost'));
    await expect(failing).rejects.toThrow('connection lost');
    const next = byExternalId.load('row_2');
    await settle();
    reads[1]?.release();
    expect(await next).toEqual(ROWS[1]);
  });
});
