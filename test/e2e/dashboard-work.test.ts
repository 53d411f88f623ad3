/**
 * The project dashboard of `pnpm bench` (test/bench/queries.ts) costs the same SQL statements on every request. Its
 * files request reads Box items twice over: by external ID (the links' targets) and by row id (the documents'
 * files), the same rows, in reads that may overlap. Files' Box item loaders share their reads (platform's
 * `rowsByKeys`), so the rows are read once whichever read answers first; with loaders of their own, 16 of 40
 * requests in a row paid a second read.
 */
import { seedBenchFixture, workOf } from '../bench/fixture.ts';
import { COMPARED_QUERIES, PAGE, seedDashboard } from '../bench/queries.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const kind = process.env.DATABASE_URL ? 'postgres' : 'embedded';
const REQUESTS = 30;

describe(`the dashboard's work per request, on ${kind} Postgres`, () => {
  let stack: TestStack;

  beforeAll(async () => {
    // No worker: its cron jobs would add their statements to whichever request they overlap.
    stack = await startTestStack(kind, { worker: false });
    await seedDashboard(stack.databaseUrl, await seedBenchFixture(stack.databaseUrl, PAGE));
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it(`counts the same SQL statements on each of ${REQUESTS} requests`, async () => {
    const dashboard = COMPARED_QUERIES.find((query) => query.key === 'dashboard');
    if (!dashboard) throw new Error('no dashboard query in test/bench/queries.ts');
    const admin = stack.as(await stack.token('admin@wrk.demo'));
    const send = () => stack.graphql(dashboard.query, {}, admin);
    expect((await send()).errors).toBeUndefined();

    const counts: number[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      const { result, work } = await workOf(send);
      expect(result.errors).toBeUndefined();
      expect(dashboard.rows(result.data!)).toBe(PAGE);
      counts.push(work.sql);
    }
    expect(new Set(counts)).toEqual(new Set([counts[0]]));
  });
});
