/**
 * Constant work: a nested query through the gateway costs the same number of SQL statements, Prisma calls and
 * subgraph requests whether its list holds 1, 10 or 100 rows. A resolver that queries per row (N+1) makes the
 * counts grow with the list and fails this suite.
 *
 * The stack runs in this process, so `sqlStatements` (every Prisma query event of every slice, including the
 * gateway's session lookup at identity on a miss of its session cache; steady state is a hit) and `subgraphFetches` (gateway → subgraph requests) see one request's
 * whole work. Prisma calls are counted too: Prisma merges the `findUnique`s of one tick into one statement, so a
 * per-row `findUnique` keeps the SQL count flat but not the call count. So are all HTTP requests received by the
 * process's servers, which adds the subgraph → subgraph existence checks (`ownerExistenceLoader`).
 */
import { OPERATIONS, seedBenchFixture, steadyWorkOf, type BenchFixture, type Work } from '../bench/fixture.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const SIZES = [1, 10, 100] as const;
const kind = process.env.DATABASE_URL ? 'postgres' : 'embedded';

describe(`constant work per request as lists grow, on ${kind} Postgres`, () => {
  let stack: TestStack;
  let fixture: BenchFixture;
  const callers: Record<string, Record<string, string>> = {};
  const measured: string[] = [];

  beforeAll(async () => {
    // No worker: its cron jobs (e.g. the minutely run reaper) would add their statements to whichever request they overlap.
    stack = await startTestStack(kind, { worker: false });
    fixture = await seedBenchFixture(stack.databaseUrl, Math.max(...SIZES));
    callers.admin = stack.as(await stack.token('admin@wrk.demo'));
    // A staff member takes the visibility paths admins skip (Box ACL walk, project checks at core).
    callers.staff = stack.as(await stack.token('staff@wrk.demo'));
  }, 120_000);
  afterAll(async () => {
    if (measured.length) {
      console.log(
        `Work per request (SQL statements / Prisma calls / gateway→subgraph fetches / HTTP requests in all):\n${measured.join('\n')}`,
      );
    }
    await stack?.stop();
  });

  describe.each(['admin', 'staff'])('as %s', (caller) => {
    it.each(OPERATIONS.map((operation) => [operation.name, operation] as const))('%s', async (_, operation) => {
      const work: Record<number, Work> = {};
      for (const n of SIZES) {
        const send = () => stack.graphql(operation.query, operation.variables(fixture, n), callers[caller]);
        // The first request plans the query and may fetch identity's keys: measure the second.
        const warm = await send();
        expect(warm.errors).toBeUndefined();
        const { result, work: one } = await steadyWorkOf(send);
        expect(result.errors).toBeUndefined();
        expect(operation.rows(result.data!)).toBe(n);
        work[n] = one;
      }
      const line = SIZES.map((n) => `n=${n}: ${work[n]!.sql} / ${work[n]!.prisma} / ${work[n]!.fetches} / ${work[n]!.http}`).join('   ');
      measured.push(`  ${caller.padEnd(5)} ${operation.name}\n        ${line}`);
      for (const n of SIZES) expect({ n, ...work[n] }).toEqual({ n, ...work[1] });
    });
  });

  it('really resolves the nested fields it counts (contracts at n=10)', async () => {
    const { data, errors } = await stack.graphql<{
      contracts: {
        nodes: {
          id: string;
          organization: { name: string };
          project: { name: string };
          links: { linkType: string; to: Record<string, unknown> }[];
        }[];
      };
    }>(OPERATIONS[0]!.query, { n: 10 }, callers.staff);
    expect(errors).toBeUndefined();
    const contracts = data!.contracts.nodes;
    expect(contracts.map((c) => c.id)).toEqual(fixture.contractIds.slice(0, 10));
    contracts.forEach((contract, i) => {
      expect(contract.organization.name).toBe('Bench Org');
      expect(contract.project.name).toBe(`0 bench project ${String(i).padStart(3, '0')}`);
      expect(contract.links).toEqual(
        expect.arrayContaining([
          {
            linkType: 'signed_copy',
            to: { __typename: 'BoxItem', id: fixture.boxItemIds[i], name: expect.stringMatching(/^0 bench file/) },
          },
          { linkType: 'reviewed_by', to: { __typename: 'AgentRun', id: fixture.runIds[i], status: 'SUCCEEDED' } },
        ]),
      );
    });
  });
});
