import { readFileSync } from 'node:fs';
import type { Claims } from '@wrk/platform';
import { apiSchemaOf, curatedOperation, loadOperations } from './operations.ts';
import { curatedTools, variantFor } from './tools.ts';

const schema = apiSchemaOf(readFileSync(new URL('../../../supergraph.graphql', import.meta.url), 'utf8'));
const claims = (kind: Claims['kind']): Claims => ({ kind, teams: [], scopes: [], requestId: 'r' });

describe('MCP tools as agents and staff see them', () => {
  const tools = curatedTools(loadOperations(), schema);
  const as = (name: string, kind: Claims['kind']) => {
    const tool = tools.get(name);
    if (!tool) throw new Error(`no tool ${name}`);
    return variantFor(tool, claims(kind));
  };

  it("an agent's traced tools take runId, its writes sourceRefs too; staff's take neither", () => {
    expect(as('FindPeople', 'agent').tool.inputSchema.properties).toHaveProperty('runId');
    expect(as('FindPeople', 'agent').tool.inputSchema.properties).not.toHaveProperty('sourceRefs');
    expect(as('UpdateContract', 'agent').tool.inputSchema.properties).toMatchObject({ runId: {}, sourceRefs: { type: 'array' } });
    expect(as('UpdateContract', 'staff').tool.inputSchema.properties).not.toHaveProperty('runId');
    expect(as('StartRun', 'agent').tool.inputSchema.properties).not.toHaveProperty('runId');
  });

  it("an agent's arguments are checked: runId is a run ID, sourceRefs name an ID each", () => {
    const { validate } = as('UpdateContract', 'agent');
    const args = { id: 'ctr_demoacmemsa0001', input: { title: 'x' } };
    expect(validate({ ...args, runId: 'run_abcdef12', sourceRefs: [{ id: 'box_abcdef12', quote: 'q' }] })).toBe(true);
    // Missing sources are the provenance check's to refuse (PROVENANCE_REQUIRED), as for any agent write.
    expect(validate(args)).toBe(true);
    expect(validate({ ...args, runId: 'ctr_demoacmemsa0001' })).toBe(false);
    expect(validate({ ...args, sourceRefs: [{ quote: 'no id' }] })).toBe(false);
    expect(validate({ ...args, sourceRefs: [{ id: 'box_abcdef12', extra: 1 }] })).toBe(false);
  });

  it("an agent's write may answer with the approval it waits for, which its output schema allows", () => {
    const output = as('UpdateContract', 'agent').tool.outputSchema;
    expect(output?.properties).toHaveProperty('approval');
    expect(output?.required).toEqual([]);
    expect(as('UpdateContract', 'staff').tool.outputSchema?.required).toEqual(['updateContract']);
  });

  it('refuses an operation whose variables take the names of the MCP layer’s own arguments', () => {
    const clash = curatedOperation('x.graphql', '# Finds people of a run.\nquery Clash($runId: ID) { people(first: 1) { nodes { id } } }');
    expect(() => curatedTools([clash], schema)).toThrow(/runId are the MCP layer's own arguments/);
  });
});
