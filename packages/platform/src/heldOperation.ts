import {
  Kind,
  OperationTypeNode,
  parse,
  print,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { GraphQLOperation } from './context.ts';

/** The operation of a document a request names (or its only one). */
function operationNamed(document: DocumentNode, name: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return name === null ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === name);
}

const responseKey = (field: FieldNode) => field.alias?.value ?? field.name.value;

/** The fragments a selection uses, directly or through other fragments. */
function fragmentsUsed(document: DocumentNode, root: SelectionSetNode): FragmentDefinitionNode[] {
  const byName = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: SelectionSetNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = byName.get(spread.name.value);
        if (!fragment || used.has(fragment.name.value)) return;
        used.set(fragment.name.value, fragment);
        walk(fragment);
      },
    });
  walk(root);
  return [...used.values()];
}

/** The variable names a set of definitions refers to. */
function variablesUsed(nodes: readonly DefinitionNode[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) {
    visit(node, {
      VariableDefinition: () => false,
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  }
  return names;
}

/**
 * The one root field of a mutation (by response key) as an operation of its own, with only the fragments and
 * variables it uses: what an approval applies, not the other mutations the agent's request also carried. Null when
 * the document has no such mutation field.
 */
export function singleFieldOperation(operation: GraphQLOperation, key: string): GraphQLOperation | null {
  const document = parse(operation.query);
  const definition = operationNamed(document, operation.operationName);
  if (definition?.operation !== OperationTypeNode.MUTATION) return null;
  const field = definition.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && responseKey(s) === key);
  if (!field) return null;
  const selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [field] };
  const fragments = fragmentsUsed(document, selectionSet);
  const kept: OperationDefinitionNode = { ...definition, selectionSet };
  const used = variablesUsed([kept, ...fragments]);
  const only: OperationDefinitionNode = {
    ...kept,
    variableDefinitions: definition.variableDefinitions?.filter((v) => used.has(v.variable.name.value)),
  };
  return {
    query: print({ kind: Kind.DOCUMENT, definitions: [only, ...fragments] }),
    operationName: operation.operationName,
    variables: Object.fromEntries(Object.entries(operation.variables).filter(([name]) => used.has(name))),
  };
}

/** The root fields (names, not aliases) of a mutation operation; null for anything else, or a root fragment. */
export function mutationFieldsOf(operation: GraphQLOperation): string[] | null {
  const definition = operationNamed(parse(operation.query), operation.operationName);
  if (definition?.operation !== OperationTypeNode.MUTATION) return null;
  const fields = definition.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  return fields.length === definition.selectionSet.selections.length ? fields.map((f) => f.name.value) : null;
}

const stringsIn = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  return typeof value === 'object' && value !== null ? Object.values(value).flatMap(stringsIn) : [];
};

/** Every string the root fields of an operation take as arguments, written inline or passed as variables. */
export function argumentStrings(operation: GraphQLOperation): string[] {
  const definition = operationNamed(parse(operation.query), operation.operationName);
  const found: string[] = [];
  for (const selection of definition?.selectionSet.selections ?? []) {
    if (selection.kind !== Kind.FIELD) continue;
    for (const argument of selection.arguments ?? []) {
      visit(argument.value, {
        StringValue(node) {
          found.push(node.value);
        },
        Variable(node) {
          found.push(...stringsIn(operation.variables[node.name.value]));
        },
      });
    }
  }
  return [...new Set(found)];
}
