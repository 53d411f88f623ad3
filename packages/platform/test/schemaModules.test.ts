import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { mergeModuleResolvers, readSubgraphSdl, schemaModule, subgraphModules } from '../src/schemaFiles.ts';
import { buildSchema } from '../src/server.ts';
import { printSchema } from 'graphql';

/** A subgraph folder with a header and two entity fragments. */
function subgraphFolder(): URL {
  const root = pathToFileURL(`${mkdtempSync(`${tmpdir()}/modules-`)}/`);
  mkdirSync(new URL('src/entities/a/', root), { recursive: true });
  mkdirSync(new URL('src/entities/b/', root), { recursive: true });
  writeFileSync(new URL('schema.graphql', root), 'type Query { version: String }\n');
  writeFileSync(new URL('src/entities/a/a.graphql', root), 'type A { id: ID! }\nextend type Query { a: A }\n');
  writeFileSync(new URL('src/entities/b/b.graphql', root), 'type B { id: ID! }\nextend type Query { b: B }\n');
  return root;
}

describe('subgraph modules', () => {
  const root = subgraphFolder();
  const header = schemaModule(new URL('schema.graphql', root), { Query: { version: () => '1' } });
  const a = schemaModule(new URL('src/entities/a/a.graphql', root), { Query: { a: () => ({ id: 'a' }) } });
  const b = schemaModule(new URL('src/entities/b/b.graphql', root), { Query: { b: () => ({ id: 'b' }) } });

  it('are put in schema order, so the schema served is the SDL composed', () => {
    const modules = subgraphModules(root, [b, header, a]);
    expect(modules).toEqual([header, a, b]);
    const served = printSchema(buildSchema(modules));
    expect(served).toContain('type A');
    expect(readSubgraphSdl(root).indexOf('type A')).toBeLessThan(readSubgraphSdl(root).indexOf('type B'));
    expect(served.indexOf('type A')).toBeLessThan(served.indexOf('type B'));
  });

  it('refuse a schema file without a module, or with two', () => {
    expect(() => subgraphModules(root, [header, a])).toThrow(/b\.graphql/);
    expect(() => subgraphModules(root, [header, a, b, a])).toThrow(/exactly one module/);
  });

  it('refuse two modules resolving the same field', () => {
    const again = schemaModule(new URL('src/entities/b/b.graphql', root), { Query: { a: () => null } });
    expect(() => mergeModuleResolvers([a, again])).toThrow(/Query\.a resolved again/);
  });
});
