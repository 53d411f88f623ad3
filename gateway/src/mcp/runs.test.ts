import { loadOperations } from './operations.ts';
import { entityIdsIn, heldForApproval, isTraceOperation, summaryOf } from './runs.ts';

const DEMO = {
  people: { ada: 'per_demoada000001', grace: 'per_demograce00001' },
  contracts: { acmeMsa: 'ctr_demoacmemsa0001' },
  organizations: { acme: 'org_demoacme00001' },
  projects: { platform: 'prj_demoplatform0001' },
};

describe('what a traced MCP call records', () => {
  it('the run-keeping operations are not traced; every other one is', () => {
    const traced = Object.fromEntries(loadOperations().map((o) => [o.name, !isTraceOperation(o)]));
    expect(traced).toMatchObject({ StartRun: false, AppendRunStep: false, FinishRun: false, GetRun: true, UpdateContract: true });
  });

  it('a summary of data: counts of lists, IDs of objects, scalars as they are', () => {
    const data = {
      people: { totalCount: 7, nodes: [{ id: DEMO.people.ada }, { id: DEMO.people.grace }] },
      contract: { id: DEMO.contracts.acmeMsa, title: 'MSA' },
      me: { name: 'x' },
      tags: ['a', 'b', 'c'],
      count: 3,
      missing: null,
    };
    expect(summaryOf({ data })).toEqual({
      data: {
        people: { count: 2, totalCount: 7 },
        contract: { id: DEMO.contracts.acmeMsa },
        me: { fields: 1 },
        tags: { count: 3 },
        count: 3,
        missing: null,
      },
    });
  });

  it('a summary of errors: their codes and messages; of a held write: its approval', () => {
    const errors = [{ message: 'no', extensions: { code: 'FORBIDDEN' } }, { message: 'odd' }];
    expect(summaryOf({ data: null, errors })).toEqual({
      errors: [
        { code: 'FORBIDDEN', message: 'no' },
        { code: 'ERROR', message: 'odd' },
      ],
    });
    const held = {
      errors: [{ message: 'waits', extensions: { code: 'APPROVAL_REQUIRED', approvalId: 'apr_abcdef12', reason: 'ARCHIVE' } }],
    };
    expect(heldForApproval(held)).toEqual({ id: 'apr_abcdef12', reason: 'ARCHIVE' });
    expect(summaryOf(held)).toEqual({ approval: { id: 'apr_abcdef12', reason: 'ARCHIVE' } });
    // Held only when that is the one error.
    expect(heldForApproval({ errors: [...held.errors, ...errors] })).toBeUndefined();
  });

  it('cites the linkable entities of an answer, once each, at most 20', () => {
    const answer = {
      contract: { id: DEMO.contracts.acmeMsa, organization: { id: DEMO.organizations.acme }, links: [{ id: DEMO.organizations.acme }] },
      sourceRefs: [{ id: 'redacted' }],
      touched: [{ entityId: DEMO.projects.platform }],
    };
    expect([...entityIdsIn(answer)]).toEqual([DEMO.contracts.acmeMsa, DEMO.organizations.acme]);
    const many = { nodes: Array.from({ length: 30 }, (_, i) => ({ id: `per_manypeople${String(i).padStart(4, '0')}` })) };
    expect(entityIdsIn(many).size).toBe(20);
  });
});
