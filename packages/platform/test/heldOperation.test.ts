import { argumentStrings, mutationFieldsOf, singleFieldOperation } from '../src/heldOperation.ts';

/** What the approval gate stores of an agent's request: the held mutation field alone (issue 11). */
const TWO = {
  query: `mutation Two__core__0($action: String!, $title: String!, $unused: Int) {
    createAction(input: { title: $action }) { ...Id }
    renamed: updateContract(id: "ctr_demoacmemsa0001", input: { title: $title }) { ...Contract }
  }
  fragment Id on Action { id }
  fragment Contract on Contract { id ...Title }
  fragment Title on Contract { title }`,
  operationName: 'Two__core__0',
  variables: { action: 'Call Ada', title: 'New title', unused: 1 },
};

describe('singleFieldOperation', () => {
  it('keeps only the field of a response key, with the variables and fragments it uses', () => {
    const only = singleFieldOperation(TWO, 'renamed');
    expect(only).not.toBeNull();
    expect(only!.query).not.toContain('createAction');
    expect(only!.query).not.toContain('$action');
    expect(only!.query).not.toContain('fragment Id');
    expect(only!.query).toContain('fragment Title');
    expect(only!.variables).toEqual({ title: 'New title' });
    expect(mutationFieldsOf(only!)).toEqual(['updateContract']);
  });

  it('has nothing for a key the mutation lacks, or for a query', () => {
    expect(singleFieldOperation(TWO, 'updateContract')).toBeNull();
    expect(singleFieldOperation({ query: '{ contracts { totalCount } }', operationName: null, variables: {} }, 'contracts')).toBeNull();
  });
});

describe('argumentStrings', () => {
  it('lists the strings the root fields take, inline or from variables', () => {
    expect(argumentStrings(TWO).sort()).toEqual(['Call Ada', 'New title', 'ctr_demoacmemsa0001'].sort());
  });
});

describe('mutationFieldsOf', () => {
  it('names every root field, and refuses a root fragment (it could hide one)', () => {
    expect(mutationFieldsOf(TWO)).toEqual(['createAction', 'updateContract']);
    expect(mutationFieldsOf({ query: 'mutation { ... on Mutation { a } }', operationName: null, variables: {} })).toBeNull();
  });
});
