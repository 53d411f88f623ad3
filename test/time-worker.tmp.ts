import { createScratchDatabase } from '@wrk/devdb';
import { migrate } from '@wrk/migrate';
import { startWorker } from '@wrk/worker';
const db = await createScratchDatabase('postgres://postgres:postgres@127.0.0.1:5432/postgres');
await migrate(db.url);
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const w = await startWorker({ databaseUrl: db.url });
  const t1 = performance.now();
  await w.stop();
  console.log(`start ${(t1 - t0).toFixed(0)} ms, stop ${(performance.now() - t1).toFixed(0)} ms`);
}
await db.drop();
