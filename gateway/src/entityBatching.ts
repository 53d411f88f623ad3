/**
 * `_entities` fetches of one request to one subgraph, sent as few times as the plan allows (issue 14): Apollo's
 * gateway sends one representation per entity, so a list of 70 items owned by 2 users asks identity for 70 users,
 * in as many fetches as the plan has places that reach User. Here:
 * - equal representations (same JSON: same __typename and key, built by the gateway in one key order) are sent once,
 *   and the answer for each is fanned back out to every place that asked for it;
 * - fetches started together (the children of one Parallel node call the data source in one synchronous loop) are
 *   merged: those with the same query text into one `_entities` list, the others into one operation with one aliased
 *   `_entities` field per query text. The subgraph answers them in one execution, and its errors are moved back to
 *   the fetch and entity they belong to.
 */
import {
  Kind,
  OperationTypeNode,
  parse,
  print,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';

export interface EntityRequest {
  query: string;
  operationName?: string;
  variables: Record<string, unknown> & { representations: unknown[] };
  /** The parsed query, when the planner hands it over (else the text is parsed once per combination merged). */
  document?: DocumentNode;
}

export interface SubgraphAnswer {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/** What is sent for a batch, and how its answer is split back into one answer per request of the batch. */
export interface MergedFetch {
  body: { query: string; operationName?: string; variables: Record<string, unknown> };
  split(answer: SubgraphAnswer): SubgraphAnswer[];
}

/** One HTTP request of a batch: what it sends, and which requests of the batch (by index) it answers, in order. */
export interface BatchFetch {
  fetch: MergedFetch;
  requests: number[];
  /**
   * For a fetch merging several query texts: the same requests sent one query text each, for when the subgraph
   * refuses the merged operation whole (one of its limits, which each fetch alone kept to).
   */
  separately?: BatchFetch[];
}

/** Requests with one query text: their representations, each distinct one once. */
interface Group {
  query: string;
  request: EntityRequest;
  unique: unknown[];
  /** For each request of the group (by its index in the batch), the index in `unique` of each of its representations. */
  members: { index: number; positions: number[] }[];
}

function groupByQuery(requests: EntityRequest[]): Group[] {
  const groups = new Map<string, Group & { seen: Map<string, number> }>();
  requests.forEach((request, index) => {
    let group = groups.get(request.query);
    if (!group) {
      group = { query: request.query, request, unique: [], members: [], seen: new Map() };
      groups.set(request.query, group);
    }
    const { seen, unique } = group;
    const positions = request.variables.representations.map((representation) => {
      const key = JSON.stringify(representation);
      let position = seen.get(key);
      if (position === undefined) {
        position = unique.push(representation) - 1;
        seen.set(key, position);
      }
      return position;
    });
    group.members.push({ index, positions });
  });
  return [...groups.values()];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The answer of one request of a group, from the group's list (`entities`) and the errors at `field` (its key in the data). */
function memberAnswer(
  answer: SubgraphAnswer,
  field: string,
  positions: number[],
  uniqueCount: number,
  isMine: (error: GraphQLFormattedError) => boolean,
) {
  const entities = answer.data?.[field];
  const whole: unknown[] | undefined = Array.isArray(entities) && entities.length === uniqueCount ? entities : undefined;
  // A list that is not one entry per representation is passed on as it came: the caller reports it invalid.
  const data =
    answer.data === null || answer.data === undefined ? answer.data : { _entities: whole ? positions.map((p) => whole[p]) : entities };
  const errors = (answer.errors ?? []).flatMap((error): GraphQLFormattedError[] => {
    const [head, at, ...rest] = error.path ?? [];
    if (head !== field) return isMine(error) ? [error] : [];
    if (typeof at !== 'number') return [{ ...error, path: ['_entities', ...(error.path ?? []).slice(1)] }];
    return positions.flatMap((position, index) => (position === at ? [{ ...error, path: ['_entities', index, ...rest] }] : []));
  });
  return errors.length ? { data, errors } : { data };
}

/** The `_entities` field and the other definitions of an entity fetch that can share an operation; else undefined. */
function entityShape(document: DocumentNode | undefined) {
  if (!document) return undefined;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const [operation] = operations;
  if (operations.length !== 1 || !operation || operation.operation !== OperationTypeNode.QUERY || operation.directives?.length)
    return undefined;
  if (fragments.length + 1 !== document.definitions.length) return undefined;
  const [field, more] = operation.selectionSet.selections;
  if (more || field?.kind !== Kind.FIELD || field.name.value !== '_entities' || field.alias || field.directives?.length) return undefined;
  const [argument, other] = field.arguments ?? [];
  if (other || argument?.value.kind !== Kind.VARIABLE || argument.value.name.value !== 'representations') return undefined;
  return { field, variables: operation.variableDefinitions ?? [], fragments };
}

/** The fetch's query parsed (Apollo's planner does not hand its documents to data sources by default), or undefined. */
function parseQuery(query: string): DocumentNode | undefined {
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;

/**
 * One operation asking for every group's entities under its own alias, or undefined when the groups cannot share one
 * (a variable or fragment of one name defined differently, or a document not shaped as Apollo's entity fetches are).
 */
function mergedQuery(groups: Group[]): string | undefined {
  const variables = new Map<string, { definition: VariableDefinitionNode; printed: string }>();
  const fragments = new Map<string, { definition: FragmentDefinitionNode; printed: string }>();
  const fields: FieldNode[] = [];
  for (const [index, group] of groups.entries()) {
    const shape = entityShape(group.request.document ?? parseQuery(group.query));
    if (!shape) return undefined;
    const representations = `wrkRepresentations${index}`;
    for (const definition of shape.variables) {
      const renamed =
        definition.variable.name.value === 'representations'
          ? { ...definition, variable: { ...definition.variable, name: name(representations) } }
          : definition;
      const printed = print(renamed);
      const known = variables.get(renamed.variable.name.value);
      if (known && known.printed !== printed) return undefined;
      variables.set(renamed.variable.name.value, { definition: renamed, printed });
    }
    for (const definition of shape.fragments) {
      const printed = print(definition);
      const known = fragments.get(definition.name.value);
      if (known && known.printed !== printed) return undefined;
      fragments.set(definition.name.value, { definition, printed });
    }
    fields.push({
      ...shape.field,
      alias: name(`wrkEntities${index}`),
      arguments: [{ kind: Kind.ARGUMENT, name: name('representations'), value: { kind: Kind.VARIABLE, name: name(representations) } }],
    });
  }
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: OperationTypeNode.QUERY,
    name: groups[0]?.request.operationName ? name(groups[0].request.operationName) : undefined,
    variableDefinitions: [...variables.values()].map((v) => v.definition),
    selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
  };
  const definitions: DefinitionNode[] = [operation, ...[...fragments.values()].map((f) => f.definition)];
  return print({ kind: Kind.DOCUMENT, definitions });
}

/** Merged query texts by the query texts they merge: the plans, and so the combinations, are few. */
const mergedQueries = new Map<string, string | undefined>();
const MERGED_QUERIES_KEPT = 1000;

function cachedMergedQuery(groups: Group[]): string | undefined {
  const key = JSON.stringify(groups.map((group) => group.query));
  if (mergedQueries.has(key)) return mergedQueries.get(key);
  if (mergedQueries.size >= MERGED_QUERIES_KEPT) mergedQueries.clear();
  const query = mergedQuery(groups);
  mergedQueries.set(key, query);
  return query;
}

/**
 * Batches merged across query texts stay small, within the subgraph's operation limits (aliases, tokens, cost) that
 * each fetch alone kept to; one refused all the same is sent again one query text each (`separately`).
 */
export const MERGE_LIMITS = { groups: 8, representations: 200 };

/**
 * The HTTP requests for a batch of entity fetches (requests[i] answered by the i-th entry of what `split` returns).
 * One when the fetches can share an operation, else one per query text; each sends every distinct representation once.
 */
export function mergeEntityFetches(requests: EntityRequest[]): BatchFetch[] {
  const groups = groupByQuery(requests);
  const total = groups.reduce((sum, group) => sum + group.unique.length, 0);
  const merged =
    groups.length > 1 && groups.length <= MERGE_LIMITS.groups && total <= MERGE_LIMITS.representations
      ? cachedMergedQuery(groups)
      : undefined;
  if (merged === undefined) return groups.map((group) => singleGroup(group));
  const aliases = new Set<unknown>(groups.map((_, index) => `wrkEntities${index}`));
  const variables: Record<string, unknown> = {};
  groups.forEach((group, index) => {
    Object.assign(variables, group.request.variables);
    variables[`wrkRepresentations${index}`] = group.unique;
  });
  delete variables.representations;
  return [
    {
      fetch: {
        body: { query: merged, operationName: groups[0]?.request.operationName, variables },
        split: (answer) =>
          groups.flatMap((group, index) => {
            const field = `wrkEntities${index}`;
            // An error at no path, or at none of the aliases, is every fetch's.
            const isMine = (error: GraphQLFormattedError) => !aliases.has(error.path?.[0]);
            return group.members.map((member) => memberAnswer(answer, field, member.positions, group.unique.length, isMine));
          }),
      },
      requests: groups.flatMap((group) => group.members.map((member) => member.index)),
      separately: groups.map((group) => singleGroup(group)),
    },
  ];
}

function singleGroup(group: Group): BatchFetch {
  const { request } = group;
  const isMine = () => true;
  return {
    fetch: {
      body: {
        query: request.query,
        operationName: request.operationName,
        variables: { ...request.variables, representations: group.unique },
      },
      split: (answer) => group.members.map((member) => memberAnswer(answer, '_entities', member.positions, group.unique.length, isMine)),
    },
    requests: group.members.map((member) => member.index),
  };
}

/** Whether a value is an entity fetch's variables (with its representations). */
export const hasRepresentations = (variables: unknown): variables is EntityRequest['variables'] =>
  isObject(variables) && Array.isArray(variables.representations);
