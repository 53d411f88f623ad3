import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type Caller, type GraphQLResponse, type TestStack } from '../support/stack.ts';

/**
 * Source references, one rule (catalog/src/sources.ts): `{ id, quote?, retrievedAt? }` naming a WRK entity or Box
 * item. The API refuses a reference to an entity that does not exist or that the caller cannot see, with the same
 * answer; the database refuses any stored element of another shape, whoever writes it.
 */
const CREATE_FACT = `mutation ($input: CreateKnowledgeFactInput!) {
  createKnowledgeFact(input: $input) { id sourceRefs { id quote retrievedAt } }
}`;
const factInput = (sourceRefs: unknown[]) => ({
  subjectId: DEMO.contracts.acmeMsa,
  predicate: 'payment_terms',
  value: 'net 30',
  confidence: 0.9,
  sourceRefs,
});
const refusal = (response: GraphQLResponse<unknown>) => {
  const [error] = response.errors ?? [];
  return { code: error?.extensions?.code, field: error?.extensions?.field };
};

describe.each(databaseKinds())('source references on %s Postgres', (kind) => {
  let stack: TestStack;
  let staff: Caller;
  let db: pg.Pool;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    staff = stack.callerFor(await stack.token('staff@wrk.demo'));
    db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  it('stores and shows { id, quote, retrievedAt } for a WRK entity and a Box item the caller sees', async () => {
    const refs = [
      { id: DEMO.contracts.acmeMsa },
      { id: DEMO.boxItems.acmeMsaFile, quote: 'payable net 30', retrievedAt: '2026-09-03T08:00:09.000Z' },
    ];
    const created = await staff<{ createKnowledgeFact: { sourceRefs: unknown[] } }>(CREATE_FACT, { input: factInput(refs) });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createKnowledgeFact.sourceRefs).toEqual([
      { id: DEMO.contracts.acmeMsa, quote: null, retrievedAt: null },
      { id: DEMO.boxItems.acmeMsaFile, quote: 'payable net 30', retrievedAt: '2026-09-03T08:00:09.000Z' },
    ]);
  });

  it('refuses a source that does not exist and one the caller cannot see with the same answer, naming the element', async () => {
    const ok = { id: DEMO.contracts.acmeMsa };
    const missing = await staff(CREATE_FACT, { input: factInput([ok, { id: 'prj_missing000000' }]) });
    const hidden = await staff(CREATE_FACT, { input: factInput([ok, { id: DEMO.projects.skunkworks }]) });
    expect(refusal(missing)).toEqual({ code: 'BAD_USER_INPUT', field: 'sourceRefs[1].id' });
    expect(refusal(hidden)).toEqual(refusal(missing));
    const message = (response: GraphQLResponse<unknown>, id: string) => response.errors?.[0]?.message.replace(id, '<id>');
    expect(message(hidden, DEMO.projects.skunkworks)).toBe(message(missing, 'prj_missing000000'));
    // Another subgraph's entity (a Box item outside the agent's allowlist) is asked of its owner, with the agent's claims.
    const agentToken = await stack.token('staff@wrk.demo', {
      agent: 'reader',
      scopes: ['agents:read', 'agents:write', 'core:read', 'files:read'],
      allow: [DEMO.contracts.acmeMsa],
    });
    const run = await stack.callerFor(agentToken)<{ startRun: { id: string } }>(
      `mutation { startRun(input: { task: "t", model: "m" }) { id } }`,
    );
    // The agent's writes name its run and sources (provenance, issue 11).
    const agent = stack.callerWith(agentToken, () => ({
      wrk: { runId: run.data!.startRun.id, sourceRefs: [{ id: DEMO.contracts.acmeMsa }] },
    }));
    expect((await agent(CREATE_FACT, { input: factInput([{ id: DEMO.contracts.acmeMsa }]) })).errors).toBeUndefined();
    const box = await agent(CREATE_FACT, { input: factInput([{ id: DEMO.boxItems.acmeMsaFile }]) });
    expect(refusal(box)).toEqual({ code: 'BAD_USER_INPUT', field: 'sourceRefs[0].id' });
  });

  it('refuses malformed references: empty, not an ID, bad quote or time', async () => {
    const cases: [unknown[], string][] = [
      [[], 'sourceRefs'],
      [[{ id: 'https://example.com/x' }], 'sourceRefs[0].id'],
      [[{ id: DEMO.contracts.acmeMsa }, { id: 'zzz_unknown00000' }], 'sourceRefs[1].id'],
      [[{ id: DEMO.contracts.acmeMsa, quote: 'x'.repeat(2001) }], 'sourceRefs[0].quote'],
    ];
    for (const [refs, field] of cases) {
      expect(refusal(await staff(CREATE_FACT, { input: factInput(refs) }))).toEqual({ code: 'BAD_USER_INPUT', field });
    }
    const badTime = await staff(CREATE_FACT, { input: factInput([{ id: DEMO.contracts.acmeMsa, retrievedAt: 'yesterday' }]) });
    // Refused by the DateTime scalar in the subgraph before any resolver runs. TODO (gateway, not this part): the
    // gateway reports this variable coercion failure as INTERNAL_SERVER_ERROR rather than BAD_USER_INPUT.
    expect(badTime.errors).toHaveLength(1);
    expect(badTime.data?.createKnowledgeFact ?? null).toBeNull();
  });

  describe('the database refuses any other shape in every source_refs column', () => {
    const tables = [
      ['agent_steps', DEMO.agentSteps.read],
      ['agent_approvals', DEMO.agentApprovals.renewal],
      ['knowledge_facts', DEMO.knowledgeFacts.billing],
      ['knowledge_insights', DEMO.knowledgeInsights.renewal],
    ] as const;
    const malformed = [
      [],
      [null],
      [1],
      [{}],
      'ctr_aaaaaaaa',
      { id: 'ctr_aaaaaaaa' },
      [{ id: 'not an id' }],
      [{ id: 7 }],
      [{ id: 'ctr_aaaaaaaa', quote: 5 }],
      [{ id: 'ctr_aaaaaaaa', retrievedAt: 'yesterday' }],
      [{ id: 'ctr_aaaaaaaa', type: 'Contract' }],
      [{ id: 'ctr_aaaaaaaa' }, null],
    ];
    it.each(tables)('%s', async (table, externalId) => {
      const set = (refs: unknown) =>
        db.query(`UPDATE "agents"."${table}" SET source_refs = $1::jsonb WHERE external_id = $2`, [JSON.stringify(refs), externalId]);
      for (const refs of malformed) {
        await expect(set(refs)).rejects.toMatchObject({ code: '23514', constraint: `${table}_source_refs_shape` });
      }
      const good = [{ id: 'ctr_aaaaaaaa', quote: 'q', retrievedAt: '2026-09-03T08:00:09.000Z' }, { id: 'box_123456789' }];
      expect((await set(good)).rowCount).toBe(1);
    });
  });
});
