import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, OperationTypeNode, parse, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/** The folder of curated operations: one named operation per `.graphql` file, led by a `#` comment saying what it is for. */
export const OPERATIONS_DIR = new URL('../../../operations/', import.meta.url);

export interface CuratedOperation {
  name: string;
  type: 'query' | 'mutation';
  /** What the operation is for: its leading `#` comment. */
  description: string;
  /** The file's text without its comment: what the manifest hashes and clients send. */
  body: string;
  /** sha256 of `body`, hex: the operation's ID in the persisted-query manifest. */
  id: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

/** The API schema clients see (linked directives and @inaccessible stripped), built from the supergraph SDL. */
export const apiSchemaOf = (supergraphSdl: string): GraphQLSchema => Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function leadingComment(text: string): { description: string; body: string } {
  const lines = text.split('\n');
  const comment: string[] = [];
  while (lines[0]?.startsWith('#')) comment.push((lines.shift() ?? '').replace(/^#\s?/, ''));
  return { description: comment.join(' ').trim(), body: lines.join('\n').trim() + '\n' };
}

/** Parses one operation file; refuses a file without a description or with other than exactly one named query or mutation. */
export function curatedOperation(file: string, text: string): CuratedOperation {
  const { description, body } = leadingComment(text);
  if (!description) throw new Error(`${file}: a curated operation starts with a # comment saying what it is for`);
  const document = parse(body);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const [operation] = operations;
  if (!operation?.name || document.definitions.length !== 1) {
    throw new Error(`${file}: exactly one named operation per file, without fragments`);
  }
  const type =
    operation.operation === OperationTypeNode.QUERY ? 'query' : operation.operation === OperationTypeNode.MUTATION ? 'mutation' : null;
  if (!type) throw new Error(`${file}: subscriptions are not curated operations`);
  return { name: operation.name.value, type, description, body, id: sha256(body), document, operation };
}

/** Every curated operation, by file name order; names are unique. */
export function loadOperations(dir: URL = OPERATIONS_DIR): CuratedOperation[] {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort();
  const operations = files.map((file) => curatedOperation(file, readFileSync(join(dir.pathname, file), 'utf8')));
  const names = new Set<string>();
  for (const { name } of operations) {
    if (names.has(name)) throw new Error(`two curated operations are named ${name}`);
    names.add(name);
  }
  return operations;
}

export const MANIFEST_FILE = new URL('persisted-query-manifest.json', OPERATIONS_DIR);

/** The curated operations as an Apollo persisted-query manifest (what `pnpm operations:manifest` writes). */
export function persistedQueryManifest(operations: CuratedOperation[]): string {
  const manifest = {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map(({ id, name, type, body }) => ({ id, name, type, body })),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
