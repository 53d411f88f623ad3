import DataLoader from 'dataloader';

/**
 * A per-request loader of rows by a key column: one `findMany … in` per tick, whatever the list size.
 * Missing keys resolve to null.
 */
export function rowLoader<Key extends string | number, Row>(
  fetch: (keys: Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
): DataLoader<Key, Row | null> {
  return new DataLoader<Key, Row | null>(async (keys) => {
    const rows = await fetch([...keys]);
    const byKey = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A per-request loader of the rows belonging to each key (one-to-many), in one query per tick. */
export function groupLoader<Key extends string | number, Row>(
  fetch: (keys: Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key | null,
): DataLoader<Key, Row[]> {
  return new DataLoader<Key, Row[]>(async (keys) => {
    const rows = await fetch([...keys]);
    const groups = new Map<Key, Row[]>();
    for (const row of rows) {
      const key = keyOf(row);
      if (key === null) continue;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/** A loader's own part of the rows a table's loaders share: the rows under its key. */
interface RowMemory<Row> {
  remember(row: Row): void;
  /** Forgets the rows (all, or `row`), so that the next load of them reads again. */
  forget(row?: Row): void;
}

/** What the loaders of one table by several keys share: the rows read so far in the request, under every key. */
interface SharedRows<Row> extends RowMemory<Row> {
  join(member: RowMemory<Row>): void;
}

/**
 * A loader of rows by one of their keys whose reads are shared with the loaders of the same rows by their other keys
 * (made by `rowsByKeys`). `primeRow` remembers a row read elsewhere (a list's page) under every key; `clear` and
 * `clearAll` forget under every key.
 */
export class KeyedRowLoader<Key extends string | number, Row> extends DataLoader<Key, Row | null> {
  private readonly known = new Map<Key, Row>();

  constructor(
    read: (keys: readonly Key[], known: ReadonlyMap<Key, Row>) => Promise<(Row | null)[]>,
    keyOf: (row: Row) => Key,
    private readonly shared: SharedRows<Row>,
  ) {
    super((keys) => read(keys, this.known));
    shared.join({
      remember: (row) => this.known.set(keyOf(row), row),
      forget: (row) => {
        if (!row) {
          this.known.clear();
          super.clearAll();
          return;
        }
        this.known.delete(keyOf(row));
        super.clear(keyOf(row));
      },
    });
  }

  primeRow(row: Row): this {
    this.shared.remember(row);
    return this;
  }

  override clear(key: Key): this {
    const row = this.known.get(key);
    if (row) this.shared.forget(row);
    else super.clear(key);
    return this;
  }

  override clearAll(): this {
    this.shared.forget();
    return this;
  }
}

interface KeyedAsk<Condition> {
  /** The condition on the keys still unknown, or null when earlier reads found them all. */
  missing(): Condition | null;
  answer(): void;
  fail(error: unknown): void;
}

/**
 * Per-request loaders of one table's rows by several keys (row id, external ID, …) that share their reads: loads
 * under any key in one tick go in one statement (`fetch` gets one condition per key asked and ORs them), each row read
 * answers every key it has, and a read first waits for the one in flight, so a row reached twice by different keys
 * (a link's target by external ID, a document's file by row id) is read once whichever answers first. `fetch`
 * applies the caller's visibility, the same for every key.
 */
export function rowsByKeys<Row, Condition>(fetch: (conditions: Condition[]) => Promise<Row[]>) {
  const members: RowMemory<Row>[] = [];
  const shared: SharedRows<Row> = {
    remember: (row) => members.forEach((member) => member.remember(row)),
    forget: (row) => members.forEach((member) => member.forget(row)),
    join: (member) => members.push(member),
  };
  let queued: KeyedAsk<Condition>[] = [];
  let previous: Promise<unknown> = Promise.resolve();

  async function read(asks: KeyedAsk<Condition>[]): Promise<void> {
    await previous;
    const conditions = asks.flatMap((ask) => ask.missing() ?? []);
    if (conditions.length) (await fetch(conditions)).forEach((row) => shared.remember(row));
  }
  function enqueue(ask: KeyedAsk<Condition>): void {
    queued.push(ask);
    if (queued.length > 1) return;
    // After the other loaders' batches of this tick (DataLoader dispatches them in earlier ticks of the queue).
    process.nextTick(() => {
      const asks = queued;
      queued = [];
      previous = read(asks).then(
        () => asks.forEach((ask) => ask.answer()),
        (error: unknown) => asks.forEach((ask) => ask.fail(error)),
      );
    });
  }

  return {
    /** The loader by one key: `keyOf` reads it from a row, `where` is the condition on some of its values. */
    by<Key extends string | number>(keyOf: (row: Row) => Key, where: (keys: Key[]) => Condition): KeyedRowLoader<Key, Row> {
      const askFor = (keys: readonly Key[], known: ReadonlyMap<Key, Row>) =>
        new Promise<(Row | null)[]>((resolve, reject) =>
          enqueue({
            missing: () => {
              const unknown = keys.filter((key) => !known.has(key));
              return unknown.length ? where(unknown) : null;
            },
            answer: () => resolve(keys.map((key) => known.get(key) ?? null)),
            fail: reject,
          }),
        );
      return new KeyedRowLoader(askFor, keyOf, shared);
    },
  };
}

/**
 * Group commit: items arriving while `batchesInFlight` batches run wait and go together in the next one (for work
 * whose cost is mostly per call — a commit's flush, a request's round trip — the same for one item or many); an
 * idle loader sends an item at once. Each item is answered when its own batch is. No cache: every load is work.
 */
export function groupCommitLoader<Item, Answer>(
  run: (items: readonly Item[]) => Promise<Answer[]>,
  { maxBatchSize, batchesInFlight }: { maxBatchSize: number; batchesInFlight: number },
): DataLoader<Item, Answer> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return new DataLoader<Item, Answer>(
    async (items) => {
      try {
        return await run(items);
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running -= 1;
      }
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (dispatch) => {
        if (running < batchesInFlight) {
          running += 1;
          setImmediate(dispatch);
        } else waiting.push(dispatch);
      },
    },
  );
}
