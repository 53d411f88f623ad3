/**
 * The schema-derived visibility test. It reads the API schema the gateway serves (composed from the committed
 * supergraph.graphql) and walks every field that returns an entity, a list of entities, a connection of them or a
 * wrapper of them (pivot edges, `related`): every such root field, and every such field of every entity type,
 * reached through `nodes(ids:)` of the instances the caller can see. Each query selects every scalar leaf of what
 * it returns (and `{ __typename id }` of the entities beyond), filling required arguments from their types.
 * Under the demo restricted user and under a narrow agent token, no ID of a hidden fixture may appear anywhere in
 * any response. Nothing here names a field of the schema: a field added later is walked without anyone
 * remembering to add it.
 */
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { DEMO } from '@wrk/demo';
import { entityTypeOfId } from '@wrk/catalog';
import { databaseKinds } from '../support/databases.ts';
import { createHiddenFixtures, type Caller, type HiddenFixtures } from '../support/hiddenFixtures.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/** The walk must not silently walk nothing. */
const MIN_FIELDS_WALKED = 60;
const MIN_TYPES_WALKED = 15;
const MAX_PARENTS_PER_TYPE = 40;
/** Enough for every fixture, within the gateway's cost limit for the widest connection. */
const PAGE = 40;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Walked {
  /** `Type.field` → the responses of its queries. */
  answers: { coordinate: string; data: Json; errors: Json; argumentIds: string[] }[];
  types: Set<string>;
}

/** An entity: a Node, or any object with its own `id: ID!` (audit entries, say). */
const isEntity = (type: GraphQLNamedType): type is GraphQLObjectType =>
  isObjectType(type) && (type.getInterfaces().some((face) => face.name === 'Node') || String(type.getFields().id?.type) === 'ID!');
const isAbstract = (type: GraphQLNamedType) => isInterfaceType(type) || isUnionType(type);

/** Whether a type is, or within a few levels wraps, an entity (connections, edges, pivots, `related`). */
function reachesEntity(type: GraphQLNamedType, depth = 3, seen = new Set<string>()): boolean {
  if (isEntity(type) || isAbstract(type)) return true;
  if (!isObjectType(type) || depth === 0 || seen.has(type.name)) return false;
  seen.add(type.name);
  return Object.values(type.getFields()).some((field) => reachesEntity(getNamedType(field.type), depth - 1, seen));
}

/** A value for a required argument, from its type alone (IDs are varied by the caller of this function). */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const required = Object.values(type.getFields()).filter((field) => isNonNullType(field.type));
    return `{ ${required.map((field) => `${field.name}: ${literal(field.type)}`).join(', ')} }`;
  }
  if (isScalarType(type)) {
    return { Int: '1', Float: '1', Boolean: 'true', DateTime: '"2026-01-01T00:00:00Z"', Date: '"2026-01-01"' }[type.name] ?? '"x"';
  }
  return '"x"';
}

const idArgument = (arg: GraphQLArgument) => getNamedType(arg.type).name === 'ID' && isNonNullType(arg.type);

/** The argument lists to call a field with: one per candidate ID when it takes a required ID, `first` at its maximum. */
function argumentSets(field: GraphQLField<unknown, unknown>, candidates: string[]): { text: string; ids: string[] }[] {
  const fixed: string[] = [];
  let idArg: GraphQLArgument | undefined;
  for (const arg of field.args) {
    if (arg.name === 'first') fixed.push(`first: ${PAGE}`);
    else if (idArgument(arg) && !idArg) idArg = arg;
    else if (isNonNullType(arg.type)) fixed.push(`${arg.name}: ${literal(arg.type)}`);
  }
  const text = (extra: string[]) => (extra.length ? `(${extra.join(', ')})` : '');
  if (!idArg) return [{ text: text(fixed), ids: [] }];
  const ids = isListType(isNonNullType(idArg.type) ? idArg.type.ofType : idArg.type);
  if (ids) return [{ text: text([...fixed, `${idArg.name}: ${JSON.stringify(candidates)}`]), ids: candidates }];
  return candidates.map((id) => ({ text: text([...fixed, `${idArg.name}: ${JSON.stringify(id)}`]), ids: [id] }));
}

const callableWithoutIds = (field: GraphQLField<unknown, unknown>) =>
  field.args.every((arg) => !isNonNullType(arg.type) || !idArgument(arg));

function callArgs(field: GraphQLField<unknown, unknown>): string {
  return argumentSets(field, [])[0]!.text;
}

/** `{ __typename id }` of whatever entity or abstract type a field returns. */
function reference(type: GraphQLNamedType): string {
  if (isUnionType(type))
    return `__typename ${type
      .getTypes()
      .map((member) => `... on ${member.name} { id }`)
      .join(' ')}`;
  if ((isObjectType(type) || isInterfaceType(type)) && 'id' in type.getFields()) return '__typename id';
  return '__typename';
}

/** Every scalar leaf of an entity, its value objects in full, and references to the entities beyond. */
function entitySelection(type: GraphQLObjectType, budget: number): string {
  const parts = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (!callableWithoutIds(field)) continue;
    const named = getNamedType(field.type);
    const call = `${field.name}${callArgs(field)}`;
    if (isLeafType(named)) parts.push(call);
    else if (isEntity(named) || isAbstract(named)) parts.push(`${call} { ${reference(named)} }`);
    else if (isObjectType(named) && (budget > 0 || !reachesEntity(named))) parts.push(`${call} { ${wrapperSelection(named, budget - 1)} }`);
  }
  return parts.join(' ');
}

/** A non-entity object (connection, edge, pivot, value): its leaves, and the entities it wraps in full. */
function wrapperSelection(type: GraphQLObjectType, budget: number): string {
  const parts = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (!callableWithoutIds(field)) continue;
    const named = getNamedType(field.type);
    const call = `${field.name}${callArgs(field)}`;
    if (isLeafType(named)) parts.push(call);
    else if (isEntity(named)) parts.push(`${call} { ${budget > 0 ? entitySelection(named, 0) : reference(named)} }`);
    else if (isAbstract(named)) parts.push(`${call} { ${reference(named)} }`);
    else if (isObjectType(named) && budget >= 0) parts.push(`${call} { ${wrapperSelection(named, budget - 1)} }`);
  }
  return parts.join(' ');
}

function selectionOf(type: GraphQLNamedType): string {
  if (isLeafType(type)) return '';
  if (isEntity(type)) return `{ ${entitySelection(type, 1)} }`;
  if (isAbstract(type)) return `{ ${reference(type)} }`;
  return isObjectType(type) ? `{ ${wrapperSelection(type, 2)} }` : '';
}

/** Every `{ __typename, id }` object of an answer, by type: the instances the caller can see. */
function collectInstances(value: Json, into: Map<string, Set<string>>) {
  if (Array.isArray(value)) value.forEach((item) => collectInstances(item, into));
  else if (value && typeof value === 'object') {
    if (typeof value.__typename === 'string' && typeof value.id === 'string') {
      into.set(value.__typename, (into.get(value.__typename) ?? new Set()).add(value.id));
    }
    Object.values(value).forEach((item) => collectInstances(item, into));
  }
}

async function walk(schema: GraphQLSchema, call: Caller, fixtures: HiddenFixtures, hidden: Record<string, string>): Promise<Walked> {
  const hiddenIds = new Set(Object.values(hidden));
  const walked: Walked = { answers: [], types: new Set() };
  const instances = new Map<string, Set<string>>();
  const ask = async (coordinate: string, query: string, argumentIds: string[], strip: (data: Json) => Json) => {
    const response = await call(query);
    const data = strip((response.data ?? null) as Json);
    walked.answers.push({ coordinate, data, errors: (response.errors ?? null) as Json, argumentIds });
    collectInstances(data, instances);
  };
  // Every entity ID the test knows (audit entries are not entities of the catalogue: no argument takes them).
  const everyId = [
    ...new Set([
      ...Object.values(fixtures.hidden),
      ...fixtures.visibleParents,
      ...Object.values(DEMO).flatMap((group) => Object.values(group)),
    ]),
  ].filter((id) => entityTypeOfId(id));

  const query = schema.getQueryType()!;
  for (const field of Object.values(query.getFields())) {
    const named = getNamedType(field.type);
    if (!reachesEntity(named)) continue;
    walked.types.add(named.name);
    // A lookup by the entity's own ID (`contract(id:)`) gets the IDs of its type; other ID arguments every ID.
    const lookup = isEntity(named) && field.args.some((arg) => arg.name === 'id');
    const candidates = lookup ? everyId.filter((id) => entityTypeOfId(id)?.typename === named.name) : everyId;
    for (const args of argumentSets(field, candidates)) {
      await ask(`Query.${field.name}`, `{ ${field.name}${args.text} ${selectionOf(named)} }`, args.ids, (data) =>
        data && typeof data === 'object' && !Array.isArray(data) ? (data[field.name] ?? null) : null,
      );
    }
  }

  // Nested fields, through nodes(ids:) of the instances seen so far; twice, for types first reached nested.
  const walkedNested = new Set<string>();
  for (let round = 0; round < 2; round += 1) {
    for (const type of Object.values(schema.getTypeMap()).filter(isEntity)) {
      const parents = [
        ...new Set([
          ...fixtures.visibleParents.filter((id) => entityTypeOfId(id)?.typename === type.name),
          ...(instances.get(type.name) ?? []),
        ]),
      ].filter((id) => !hiddenIds.has(id));
      if (!parents.length) continue;
      walked.types.add(type.name);
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        const coordinate = `${type.name}.${field.name}`;
        if (!reachesEntity(named) || walkedNested.has(coordinate)) continue;
        walkedNested.add(coordinate);
        walked.types.add(named.name);
        for (const args of argumentSets(field, everyId)) {
          const ids = parents.slice(0, MAX_PARENTS_PER_TYPE);
          await ask(
            coordinate,
            `{ nodes(ids: ${JSON.stringify(ids)}) { __typename ... on ${type.name} { id ${field.name}${args.text} ${selectionOf(named)} } } }`,
            [...args.ids, ...ids],
            // Only what the field answered: the parents' own IDs are the caller's input.
            (data) => {
              const nodes = data && typeof data === 'object' && !Array.isArray(data) ? data.nodes : null;
              return Array.isArray(nodes)
                ? nodes.map((node) => (node && typeof node === 'object' && !Array.isArray(node) ? (node[field.name] ?? null) : null))
                : null;
            },
          );
        }
      }
    }
  }
  return walked;
}

/**
 * Where in an answer a string containing the ID appears, as the schema coordinate of the field that carried it:
 * every object the walk selects has its `__typename`, so `{ __typename: "AgentApproval", payload: {…} }` gives
 * `AgentApproval.payload`.
 */
function fieldsCarrying(value: Json, id: string, carrier = '?'): string[] {
  if (typeof value === 'string') return value.includes(id) ? [carrier] : [];
  if (Array.isArray(value)) return value.flatMap((item) => fieldsCarrying(item, id, carrier));
  if (!value || typeof value !== 'object') return [];
  const typename = typeof value.__typename === 'string' ? value.__typename : null;
  return Object.entries(value).flatMap(([key, item]) => fieldsCarrying(item, id, typename ? `${typename}.${key}` : carrier));
}

const stringsOf = (value: Json): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(stringsOf)
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(stringsOf)
        : [];

/**
 * Every field that carried a hidden ID in the walk's answers → what was seen there. Errors may repeat an ID the
 * query itself named (NOT_FOUND does); anything else in them is a leak too.
 */
function leaks(walked: Walked, hidden: Record<string, string>): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (carrier: string, name: string, coordinate: string) => {
    const key = `${carrier} <- ${name.replace(/:\d+$/, '')}`;
    found.set(key, (found.get(key) ?? new Set()).add(`${name} via ${coordinate}`));
  };
  for (const answer of walked.answers) {
    for (const [name, id] of Object.entries(hidden)) {
      for (const carrier of fieldsCarrying(answer.data, id)) add(carrier, name, answer.coordinate);
      if (!answer.argumentIds.includes(id) && stringsOf(answer.errors).some((text) => text.includes(id))) {
        add(`errors of ${answer.coordinate}`, name, answer.coordinate);
      }
    }
  }
  return found;
}

const describeLeaks = (found: Map<string, Set<string>>) =>
  [...found].map(([place, seen]) => `${place} (${[...seen].slice(0, 3).join('; ')}${seen.size > 3 ? `; +${seen.size - 3}` : ''})`);

describe.each(databaseKinds())('the schema-derived visibility walk on %s Postgres', (kind) => {
  let stack: TestStack;
  let schema: GraphQLSchema;
  let fixtures: HiddenFixtures;
  let admin: Caller;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    admin = stack.callerFor(await stack.token('admin@wrk.demo'));
    const introspection = await admin<IntrospectionQuery>(getIntrospectionQuery());
    schema = buildClientSchema(introspection.data!);
    fixtures = await createHiddenFixtures(admin, stack.databaseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('reaches every hidden fixture when walked as admin, through enough fields and types', async () => {
    const walked = await walk(schema, admin, fixtures, {});
    const failures = walked.answers.flatMap((answer) =>
      Array.isArray(answer.errors) ? answer.errors.map((error) => `${answer.coordinate}: ${JSON.stringify(error).slice(0, 200)}`) : [],
    );
    // Every query of the walk is valid and within the limits: as admin only IDs of another type are NOT_FOUND.
    expect(failures.filter((failure) => !failure.includes('NOT_FOUND'))).toEqual([]);
    const coordinates = new Set(walked.answers.map((answer) => answer.coordinate));
    expect(coordinates.size).toBeGreaterThanOrEqual(MIN_FIELDS_WALKED);
    expect(walked.types.size).toBeGreaterThanOrEqual(MIN_TYPES_WALKED);
    const seen = leaks(walked, fixtures.hidden);
    const reached = new Set([...seen.values()].flatMap((names) => [...names].map((name) => name.split(' via ')[0])));
    expect(Object.keys(fixtures.hidden).filter((name) => !reached.has(name))).toEqual([]);
  }, 600_000);

  it.each([
    ['the restricted user', () => stack.token('restricted@wrk.demo'), (f: HiddenFixtures) => f.hidden],
    [
      'a narrow agent (allowlist: one visible project)',
      () =>
        stack.token('staff@wrk.demo', {
          agent: 'narrow',
          scopes: ['identity:read', 'core:read', 'files:read', 'agents:read'],
          allow: [DEMO.projects.platform],
        }),
      (f: HiddenFixtures) => f.hiddenFromStaff,
    ],
  ])(
    'shows %s no hidden fixture through any field',
    async (_, token, hiddenOf) => {
      const hidden = hiddenOf(fixtures);
      const walked = await walk(schema, stack.callerFor(await token()), fixtures, hidden);
      expect(new Set(walked.answers.map((answer) => answer.coordinate)).size).toBeGreaterThanOrEqual(MIN_FIELDS_WALKED);
      const found = leaks(walked, hidden);
      expect(describeLeaks(found)).toEqual([]);
    },
    600_000,
  );
});
