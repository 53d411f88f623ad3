import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { inputSchemaOf } from './inputSchema.ts';
import { apiSchemaOf, loadOperations } from './operations.ts';

const api = apiSchemaOf(readFileSync(new URL('../../../supergraph.graphql', import.meta.url), 'utf8'));
const byName = new Map(loadOperations().map((o) => [o.name, o]));

const operationOf = (source: string): OperationDefinitionNode => {
  const [definition] = parse(source).definitions;
  if (definition?.kind !== Kind.OPERATION_DEFINITION) throw new Error('not an operation');
  return definition;
};

describe('input JSON Schema of an operation', () => {
  it('compiles under strict Ajv for every curated operation, without $ref, $schema or format', () => {
    const ajv = new Ajv({ strict: true });
    for (const operation of byName.values()) {
      const schema = inputSchemaOf(operation.operation, api);
      expect(() => ajv.compile(schema)).not.toThrow();
      expect(JSON.stringify(schema)).not.toMatch(/\$ref|\$schema|"format"/);
    }
  });

  it('lists of enums, input objects, non-null and defaults', () => {
    const projects = byName.get('FindProjects');
    const update = byName.get('UpdateContract');
    if (!projects || !update) throw new Error('curated operations missing');
    const find = inputSchemaOf(projects.operation, api);
    expect(find.required).toBeUndefined();
    expect(find.properties?.status).toMatchObject({ type: 'array', items: { type: 'string', enum: expect.arrayContaining(['ACTIVE']) } });
    const change = inputSchemaOf(update.operation, api);
    expect(change.required).toEqual(['id', 'input']);
    expect(change.properties?.input?.properties?.value).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('a recursive input object is cut into a plain object, not a $ref cycle', () => {
    const schema = buildSchema('input Tree { label: String! children: [Tree!] } type Query { q(tree: Tree): Int }');
    const json = inputSchemaOf(operationOf('query Q($tree: Tree!) { q(tree: $tree) }'), schema);
    expect(json.required).toEqual(['tree']);
    expect(json.properties?.tree?.properties?.children).toEqual({
      type: 'array',
      items: { type: 'object', description: 'Tree (see above)' },
    });
  });
});
