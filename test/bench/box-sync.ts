/**
 * `pnpm bench:box`: the Box full sync's throughput against the fake Box API, through the real SDK over loopback,
 * into a fresh embedded (or DATABASE_URL's) Postgres. A deterministic tree of BOX_BENCH_ITEMS (default 10,000) items;
 * measured: the first run (everything written), the second (nothing changes) and, side by side, the same walk's
 * Box reads alone (listings and collaborations, no database), so the database's share is visible.
 * Prints a markdown table and writes it to test/bench/box-sync.md.
 */
import { writeFileSync } from 'node:fs';
import { DEFAULT_APP, generateBoxTree, startFakeBox } from '@wrk/fake-box';
import { migrate } from '@wrk/migrate';
import { createFilesDb } from '@wrk/subgraph-files/db';
import { createBoxClient } from '@wrk/subgraph-files/box/client';
import { fullSync, mapLimit } from '@wrk/subgraph-files/box/fullSync';
import { listCollaborations, listFolderPage } from '@wrk/subgraph-files/box/reads';
import { freshDatabase } from '../support/databases.ts';

process.env.LOG_LEVEL ??= 'warn';
const ITEMS = Number(process.env.BOX_BENCH_ITEMS ?? 10_000);

const tree = generateBoxTree({ items: ITEMS, depth: 6, seed: 7, users: 50, groups: 10, collaborationRate: 0.2 });
const box = await startFakeBox({ state: tree.state });
const database = await freshDatabase(process.env.DATABASE_URL ? 'postgres' : 'embedded');
await migrate(database.url);
const db = createFilesDb(database.url);
const client = createBoxClient({
  apiBase: box.url,
  clientId: DEFAULT_APP.clientId,
  clientSecret: DEFAULT_APP.clientSecret,
  enterpriseId: tree.state.enterpriseId,
});

/** The walk's Box reads alone, batched as the sync batches them: 8 folders' pages at once, every item's collaborations. */
async function readsOnly(): Promise<number> {
  let frontier: { folder: string; marker: string | null }[] = [{ folder: tree.rootId, marker: null }];
  let items = 0;
  while (frontier.length) {
    const batch = frontier.slice(0, 8);
    frontier = frontier.slice(8);
    const pages = await mapLimit(batch, 8, (f) => listFolderPage(client, f.folder, f.marker, 1000));
    const listed = pages.flatMap((page) => page.items);
    await mapLimit(listed, 8, (item) => listCollaborations(client, item.type, item.id));
    pages.forEach((page, i) => {
      if (page.nextMarker) frontier.push({ folder: batch[i]?.folder ?? '', marker: page.nextMarker });
    });
    for (const item of listed) if (item.type === 'folder') frontier.push({ folder: item.id, marker: null });
    items += listed.length;
  }
  return items;
}

const timed = async <T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> => {
  const started = performance.now();
  const result = await run();
  return { result, seconds: (performance.now() - started) / 1000 };
};

const first = await timed(() => fullSync(db, client, { folderId: tree.rootId }));
const second = await timed(() => fullSync(db, client, { folderId: tree.rootId }));
const reads = await timed(readsOnly);
const rate = (items: number, seconds: number) => Math.round(items / seconds);

const table = `# Box full sync (pnpm bench:box)

Box's reads are folder pages and one collaboration listing per item (8 in flight); the database's share is the
difference between a sync and the reads alone. The fake Box runs in the same process, so its CPU is counted too.

${ITEMS.toLocaleString('en')} items (generateBoxTree, depth 6, 50 users, 10 groups, 20 % of folders shared), fake Box API on loopback,
real box-node-sdk, ${process.env.DATABASE_URL ? 'Postgres at DATABASE_URL' : 'embedded Postgres'}; one process, 2 shared cores.

| run | items | changes | seconds | items/s |
|---|---|---|---|---|
| first full sync (all written) | ${first.result.items} | ${first.result.changes} | ${first.seconds.toFixed(1)} | ${rate(first.result.items, first.seconds)} |
| second full sync (nothing changes) | ${second.result.items} | ${second.result.changes} | ${second.seconds.toFixed(1)} | ${rate(second.result.items, second.seconds)} |
| the same Box reads alone, no database | ${reads.result} | — | ${reads.seconds.toFixed(1)} | ${rate(reads.result, reads.seconds)} |
`;
console.log(table);
writeFileSync(new URL('./box-sync.md', import.meta.url), table);
await db.$disconnect();
await box.stop();
await database.release();
