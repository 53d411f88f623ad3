import { defaultFieldResolver, GraphQLError, Kind, type ConstDirectiveNode, type DocumentNode, type GraphQLFieldResolver } from 'graphql';
import type { Claims } from './claims.ts';
import { ErrorCode, httpError } from './errors.ts';

/** `@scopes(anyOf: [["x:read"], ["admin"]])`: satisfied when the caller holds every scope of one inner list. */
export type ScopeRequirement = string[][];

export const SCOPES_DIRECTIVE = 'scopes';

/** Requirements by `Type` (every field of the type) and by `Type.field`, read from SDL (a subgraph's or the supergraph). */
export type ScopeIndex = Map<string, ScopeRequirement[]>;

function requirementOf(directives: readonly ConstDirectiveNode[] | undefined): ScopeRequirement | undefined {
  const directive = directives?.find((d) => d.name.value === SCOPES_DIRECTIVE);
  const anyOf = directive?.arguments?.find((a) => a.name.value === 'anyOf')?.value;
  if (!anyOf || anyOf.kind !== Kind.LIST) return undefined;
  return anyOf.values.map((inner) => (inner.kind === Kind.LIST ? inner.values.map((v) => (v.kind === Kind.STRING ? v.value : '')) : []));
}

function add(index: ScopeIndex, key: string, requirement: ScopeRequirement | undefined) {
  if (requirement) index.set(key, [...(index.get(key) ?? []), requirement]);
}

export function scopeIndex(document: DocumentNode): ScopeIndex {
  const index: ScopeIndex = new Map();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION
    ) {
      continue;
    }
    const typeName = definition.name.value;
    add(index, typeName, requirementOf(definition.directives));
    for (const field of definition.fields ?? []) add(index, `${typeName}.${field.name.value}`, requirementOf(field.directives));
  }
  return index;
}

export function satisfies(scopes: readonly string[], requirement: ScopeRequirement): boolean {
  return requirement.some((all) => all.every((scope) => scopes.includes(scope)));
}

/** The requirements a field carries: its type's and its own. */
export function requirementsOf(index: ScopeIndex, typeName: string, fieldName: string): ScopeRequirement[] {
  return [...(index.get(typeName) ?? []), ...(index.get(`${typeName}.${fieldName}`) ?? [])];
}

export function missingScopes(claims: Pick<Claims, 'scopes'>, requirements: ScopeRequirement[]): ScopeRequirement[] {
  return requirements.filter((requirement) => !satisfies(claims.scopes, requirement));
}

/** Whether the caller may read entities of a type at all (the type's own `@scopes`). */
export const mayReadType = (index: ScopeIndex, claims: Pick<Claims, 'scopes'>, typeName: string): boolean =>
  missingScopes(claims, index.get(typeName) ?? []).length === 0;

export const describeRequirement = (requirement: ScopeRequirement) => requirement.map((all) => all.join(' + ')).join(' or ');

export interface ScopeViolation {
  field: string;
  missing: ScopeRequirement[];
}

/**
 * FORBIDDEN (403) for a caller whose token lacks scopes: names each missing scope once (`extensions.scopes`, and the
 * RFC 6750 `insufficient_scope` challenge) and each field that needs one (`extensions.fields`).
 */
export function forbidden(violations: ScopeViolation[]): GraphQLError {
  const scopes = [...new Set(violations.flatMap((v) => v.missing.map(describeRequirement)))];
  const fields = [...new Set(violations.map((v) => v.field))];
  const named = [...new Set(violations.flatMap((v) => v.missing.flat(2)))];
  return httpError(
    ErrorCode.FORBIDDEN,
    `Not allowed: requires ${scopes.join(', ')} (for ${fields.join(', ')})`,
    { status: 403, headers: { 'www-authenticate': `Bearer realm="wrk", error="insufficient_scope", scope="${named.join(' ')}"` } },
    { fields, scopes },
  );
}

/**
 * FORBIDDEN for one field inside a subgraph: an error of that field in a normal (200) response. An HTTP 403 from a
 * subgraph would make the gateway fail the whole fetch and report it with the subgraph's URL.
 */
function forbiddenField(field: string, requires: string): GraphQLError {
  return new GraphQLError(`Not allowed: ${field} (requires ${requires})`, { extensions: { code: ErrorCode.FORBIDDEN, fields: [field] } });
}

type ResolverMap = Record<string, unknown>;

/**
 * Defence in depth for subgraphs: wraps every resolver (and `__resolveReference`) of a type or field marked
 * `@scopes` so that a request whose claims lack the scopes gets FORBIDDEN, even if it bypassed the gateway's check.
 */
export function enforceScopes<Map extends ResolverMap>(typeDefs: DocumentNode, resolvers: Map): Map {
  const index = scopeIndex(typeDefs);
  const wrapped: ResolverMap = { ...resolvers };
  const check = (field: string, requirements: ScopeRequirement[], context: { claims: Claims }) => {
    const missing = missingScopes(context.claims, requirements);
    if (missing.length) throw forbiddenField(field, missing.map(describeRequirement).join('; '));
  };
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeName = definition.name.value;
    const typeScoped = index.has(typeName);
    const fields = (definition.fields ?? []).filter((f) => typeScoped || index.has(`${typeName}.${f.name.value}`));
    if (!fields.length && !typeScoped) continue;
    const typeResolvers = { ...((resolvers[typeName] as Record<string, unknown>) ?? {}) };
    for (const field of fields) {
      const name = field.name.value;
      const resolve = (typeResolvers[name] as GraphQLFieldResolver<unknown, { claims: Claims }>) ?? defaultFieldResolver;
      // Once per field, not per resolution: a list's page resolves its fields many times.
      const requirements = requirementsOf(index, typeName, name);
      const path = `${typeName}.${name}`;
      typeResolvers[name] = (parent: unknown, args: unknown, context: { claims: Claims }, info: never) => {
        check(path, requirements, context);
        return resolve(parent, args, context, info);
      };
    }
    const resolveReference = typeResolvers.__resolveReference as
      ((ref: unknown, context: { claims: Claims }, info: unknown) => unknown) | undefined;
    const typeRequirements = index.get(typeName);
    if (typeRequirements && resolveReference) {
      typeResolvers.__resolveReference = (ref: unknown, context: { claims: Claims }, info: unknown) => {
        // An entity the caller may not read does not exist for them: null, never its data.
        if (missingScopes(context.claims, typeRequirements).length) return null;
        return resolveReference(ref, context, info);
      };
    }
    wrapped[typeName] = typeResolvers;
  }
  return wrapped as Map;
}
