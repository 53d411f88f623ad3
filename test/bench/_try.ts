import { fork } from 'node:child_process';
process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'warn';
process.env.WRK_RATE_LIMIT_TOKEN ??= String(1_000_000_000);
const { freshDatabase } = await import('../support/databases.ts');
const { seedBenchFixture } = await import('./fixture.ts');
const { seedDashboard } = await import('./queries.ts');
const { compareGateways } = await import('./compare.ts');
const { comparisonRatios, comparisonReport } = await import('./report.ts');
const { startHive } = await import('./hive.ts');
const { startStack } = await import('@wrk/app');
const loader = fork(new URL('./load.ts', import.meta.url).pathname, [], { stdio: 'inherit' });
const load = (job: any) => new Promise<any>((resolve, reject) => { loader.once('message', (m: any) => (m.result ? resolve(m.result) : reject(new Error(m.error)))); loader.send(job); });
const db = await freshDatabase('embedded');
try {
  await (await startStack({ databaseUrl: db.url, worker: false })).stop();
  await seedDashboard(db.url, await seedBenchFixture(db.url, 100));
  const c = await compareGateways({ databaseUrl: db.url, load, loaderPid: loader.pid!, pin: true, rounds: 1, seconds: 2, startHive, progress: (t) => process.stdout.write(t) });
  console.log(comparisonReport(c, {}, comparisonRatios(c)).join('\n'));
} finally { await db.release(); loader.disconnect(); }
