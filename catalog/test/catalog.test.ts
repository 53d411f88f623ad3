import { ENTITY_TYPES, entityTypeOfId } from '../src/index.ts';

describe('entity catalogue', () => {
  it('gives every type a distinct prefix and routes IDs by it', () => {
    expect(new Set(ENTITY_TYPES.map((type) => type.prefix)).size).toBe(ENTITY_TYPES.length);
    expect(entityTypeOfId('ctr_abc123def')).toMatchObject({ typename: 'Contract', owner: 'core' });
    expect(entityTypeOfId('box_abc123def')).toMatchObject({ typename: 'BoxItem', owner: 'files' });
  });

  it('rejects malformed IDs and unknown prefixes', () => {
    for (const id of ['', 'ctr_', 'ctr_ABC123', 'zzz_abc123def', 'ctr-abc123def']) expect(entityTypeOfId(id)).toBeUndefined();
  });
});
