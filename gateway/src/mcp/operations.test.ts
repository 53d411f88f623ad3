import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validate } from 'graphql';
import { apiSchemaOf, curatedOperation, loadOperations, MANIFEST_FILE, persistedQueryManifest } from './operations.ts';

const schema = apiSchemaOf(readFileSync(new URL('../../../supergraph.graphql', import.meta.url), 'utf8'));

describe('curated operations', () => {
  const operations = loadOperations();

  it('are found, queries and mutations both', () => {
    expect(operations.length).toBeGreaterThanOrEqual(12);
    expect(operations.some((o) => o.type === 'mutation')).toBe(true);
  });

  it.each(operations.map((o) => [o.name, o] as const))('%s validates against the committed supergraph', (_name, operation) => {
    expect(validate(schema, operation.document).map((e) => e.message)).toEqual([]);
    expect(operation.description.length).toBeGreaterThan(10);
  });

  it('refuses an operation without its leading comment, or two operations in a file', () => {
    expect(() => curatedOperation('x.graphql', 'query X { me { id } }')).toThrow(/# comment/);
    expect(() => curatedOperation('x.graphql', '# two\nquery X { me { id } }\nquery Y { me { id } }')).toThrow(/exactly one/);
  });

  it('a field the schema lacks fails validation', () => {
    const broken = curatedOperation('x.graphql', '# broken\nquery X { me { id noSuchField } }');
    expect(validate(schema, broken.document)).not.toHaveLength(0);
  });
});

describe('the persisted-query manifest', () => {
  it('is current: pnpm operations:manifest rewrites it from operations/*.graphql', () => {
    expect(readFileSync(MANIFEST_FILE, 'utf8')).toBe(persistedQueryManifest(loadOperations()));
  });

  it('names each operation by the sha256 of its body', () => {
    const manifest: unknown = JSON.parse(persistedQueryManifest(loadOperations()));
    expect(manifest).toMatchObject({ format: 'apollo-persisted-query-manifest', version: 1 });
    const { operations } = manifest as { operations: { id: string; body: string; type: string }[] };
    for (const operation of operations) expect(operation.id).toBe(createHash('sha256').update(operation.body).digest('hex'));
  });
});
