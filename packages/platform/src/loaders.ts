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
