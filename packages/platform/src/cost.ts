import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode, httpError, limitExceeded } from './errors.ts';
import { DEFAULT_PAGE_SIZE } from './pagination.ts';
import type { OperationLimits } from './limits.ts';

/**
 * The work an operation asks for, from the schema alone (no list of fields by hand): every list-typed argument and
 * list input field, at any depth, is held to `maxListSize` (`_entities(representations:)` to `maxRepresentations`),
 * every `first` to `maxPageSize`; and the cost — one per selected field, with a field's sub-selection counted as many
 * times as the page size (`first`, or its default) or the longest list argument (`ids`, `representations`) asks for —
 * to `maxCost`. Lists a field returns without such an argument count once: their length is bounded by the data.
 * Throws BAD_USER_INPUT (HTTP 400) at the first excess.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown>,
  limits: OperationLimits,
): number {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables, { maxErrors: 1 });
  if (coerced.errors) {
    throw httpError(ErrorCode.BAD_USER_INPUT, coerced.errors[0]!.message, { status: 400 });
  }
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const root = schema.getRootType(operation.operation);
  const measure = new Measure(schema, fragments, coerced.coerced, limits);
  const cost = root ? measure.selectionSet(operation.selectionSet, root) : 0;
  if (cost > limits.maxCost) {
    throw limitExceeded(`Operation cost ${Math.round(Math.min(cost, Number.MAX_SAFE_INTEGER))} exceeds the limit of ${limits.maxCost}`, {
      cost: Math.min(cost, Number.MAX_SAFE_INTEGER),
      maxCost: limits.maxCost,
    });
  }
  return cost;
}

class Measure {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly limits: OperationLimits,
  ) {}

  selectionSet(selectionSet: SelectionSetNode, parent: GraphQLNamedType): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        // Unknown fields fail validation; meta fields (__typename, introspection) are bounded by depth and tokens.
        if (!field) continue;
        const factor = this.factor(field, getArgumentValues(field, selection, this.variables));
        const below = selection.selectionSet ? this.selectionSet(selection.selectionSet, getNamedType(field.type)) : 0;
        cost += 1 + factor * below;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        if (type) cost += this.selectionSet(selection.selectionSet, type);
      } else {
        const fragment = this.fragments.get(selection.name.value);
        const type = fragment && this.schema.getType(fragment.typeCondition.name.value);
        if (fragment && type) cost += this.selectionSet(fragment.selectionSet, type);
      }
      if (cost > this.limits.maxCost) return cost;
    }
    return cost;
  }

  /** How many times the field's sub-selection is resolved, after checking every list in its arguments. */
  private factor(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
    let factor = 1;
    for (const arg of field.args) {
      const value = args[arg.name];
      const where = `${field.name}(${arg.name})`;
      if (arg.name === 'first' && getNamedType(arg.type).name === 'Int') {
        const size = typeof value === 'number' ? value : DEFAULT_PAGE_SIZE;
        if (size < 0 || size > this.limits.maxPageSize) {
          throw limitExceeded(`first: must be between 0 and ${this.limits.maxPageSize}`, { field: where, limit: this.limits.maxPageSize });
        }
        factor = Math.max(factor, size);
      }
      const limit = arg.name === 'representations' && field.name === '_entities' ? this.limits.maxRepresentations : this.limits.maxListSize;
      if (Array.isArray(value)) factor = Math.max(factor, value.length);
      checkLists(value, arg.type, where, limit);
    }
    return factor;
  }
}

/** Walks an argument's coerced value along its input type, refusing any list longer than the limit. */
function checkLists(value: unknown, type: GraphQLInputType, where: string, limit: number): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable) && Array.isArray(value)) {
    if (value.length > limit) {
      throw limitExceeded(`${where}: at most ${limit} items, got ${value.length}`, { field: where, limit, size: value.length });
    }
    for (const item of value) checkLists(item, nullable.ofType, where, limit);
  } else if (isInputObjectType(nullable) && typeof value === 'object') {
    const fields = nullable.getFields();
    for (const [name, item] of Object.entries(value)) {
      if (fields[name]) checkLists(item, fields[name].type, `${where}.${name}`, limit);
    }
  }
}
