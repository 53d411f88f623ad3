/**
 * pnpm wrk box sync [--full [--folder ID]]   full sync (walks the tree) or incremental (follows the event stream)
 * Box is reached as configured by BOX_* (README, "Box"), else through the fake Box of a running `pnpm start`.
 */
import { parseArgs } from 'node:util';
import { openDevDatabase } from '@wrk/devdb';
import { migrate } from '@wrk/migrate';
import { createBoxClient } from './box/client.ts';
import { resolveBoxConfig } from './box/config.ts';
import { fullSync, type SyncProgress } from './box/fullSync.ts';
import { anchorEvents, incrementalSync } from './box/incrementalSync.ts';
import { createFilesDb } from './db.ts';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { full: { type: 'boolean' }, folder: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)} (pnpm wrk --help for usage)`);
  }
})();
if (values.help) {
  console.log('usage: pnpm wrk box sync [--full [--folder ID]]');
  process.exit(0);
}
if (positionals.join(' ') !== 'box sync') fail(`unknown command "${positionals.join(' ')}" (pnpm wrk --help for usage)`);
if (values.folder && !values.full) fail('--folder goes with --full (the event stream covers everything)');
if (values.folder && !/^\d+$/.test(values.folder)) fail(`--folder takes a Box folder ID (digits), not "${values.folder}"`);

const config = resolveBoxConfig();
if (!config)
  fail(
    'Box is not configured: set BOX_DEVELOPER_TOKEN, BOX_CLIENT_ID/BOX_CLIENT_SECRET/BOX_ENTERPRISE_ID or BOX_JWT_CONFIG_FILE, or run pnpm start (it serves a local fake Box)',
  );
const client = (() => {
  try {
    return createBoxClient(config);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

const database = await openDevDatabase().catch((error: unknown) =>
  fail(`cannot reach the database: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`),
);
if (database.startedHere) await migrate(database.url);
const db = createFilesDb(database.url);

/** One updating line on a terminal; nothing until the summary otherwise. */
const showProgress = (p: SyncProgress) => {
  if (!process.stdout.isTTY) return;
  const rate = p.elapsedMs ? Math.round((p.items * 1000) / p.elapsedMs) : 0;
  process.stdout.write(`\r${p.items} items, ${rate} items/s, ${p.changes} changes, ${(p.elapsedMs / 1000).toFixed(1)} s   `);
};

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
try {
  if (values.full) {
    await anchorEvents(db, client);
    const result = await fullSync(db, client, { folderId: values.folder, onProgress: showProgress, signal: stop.signal });
    if (process.stdout.isTTY) process.stdout.write('\n');
    const rate = result.elapsedMs ? Math.round((result.items * 1000) / result.elapsedMs) : 0;
    console.log(
      result.complete
        ? `full sync${result.resumed ? ' (resumed)' : ''}: ${result.items} items, ${result.changes} changes, ${result.deleted} deleted, ${rate} items/s`
        : `full sync stopped after ${result.items} items; run it again to resume`,
    );
  } else {
    const result = await incrementalSync(db, client, { signal: stop.signal });
    console.log(
      `incremental sync: ${result.events} events (${result.duplicates} duplicates), ${result.changes} changes, position ${result.position}`,
    );
  }
} catch (error) {
  console.error(`box sync failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await database.close();
}
process.exit(process.exitCode ?? 0);
