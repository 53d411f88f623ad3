import { ENTITY_TYPES } from '@wrk/catalog';
import { expectIdOf } from '@wrk/catalog/ids';
import { redactSources } from '@wrk/catalog/sources';
import { badUserInput, optionalText, requiredText } from '@wrk/platform';
import type { Context } from './context.ts';
import { Prisma } from './db.ts';
import type { SourceRefInput } from './__generated__/resolvers-types.ts';

/** A confidence score: a number between 0 and 1 inclusive. */
export function confidence(field: string, value: number): number;
export function confidence(field: string, value: number | null | undefined): number | null;
export function confidence(field: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || value < 0 || value > 1) throw badUserInput(field, 'must be between 0 and 1');
  return value;
}

const MAX_JSON_CHARS = 1_000_000;

/** A JSON argument as Prisma stores it; undefined when null or absent (the column default applies). */
export function jsonValue(field: string, value: unknown): Prisma.InputJsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  const text = JSON.stringify(value);
  if (text === undefined) throw badUserInput(field, 'must be a JSON value');
  if (text.length > MAX_JSON_CHARS) throw badUserInput(field, `must be at most ${MAX_JSON_CHARS} characters of JSON`);
  return value;
}

/** A GraphQL JSON argument that is an object; its values are JSON too, as the JSON scalar parsed them. */
const isJsonObject = (value: unknown): value is Prisma.InputJsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function jsonObject(field: string, value: unknown): Prisma.InputJsonObject | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isJsonObject(value)) throw badUserInput(field, 'must be a JSON object');
  jsonValue(field, value);
  return value;
}

/** A source reference as stored in source_refs: `{ type, id, uri?, excerpt? }`. */
export type StoredSourceRef = {
  type: string;
  id: string;
  uri?: string;
  excerpt?: string;
};

const ENTITY_TYPENAMES = new Set(ENTITY_TYPES.map((type) => type.typename));
const MAX_SOURCE_REFS = 100;

/**
 * The sources of an agent output: never empty (the database refuses an empty list too). A source naming an
 * entity type of the graph (type "Contract") must carry an ID of that type.
 */
export function sourceRefs(field: string, refs: readonly SourceRefInput[]): StoredSourceRef[] {
  if (refs.length === 0) throw badUserInput(field, 'must name at least one source the output is derived from');
  if (refs.length > MAX_SOURCE_REFS) throw badUserInput(field, `must name at most ${MAX_SOURCE_REFS} sources`);
  return refs.map((ref, index) => {
    const at = `${field}[${index}]`;
    const type = requiredText(`${at}.type`, ref.type, 100);
    const id = requiredText(`${at}.id`, ref.id, 500);
    if (ENTITY_TYPENAMES.has(type)) expectIdOf(type, id);
    const uri = optionalText(`${at}.uri`, ref.uri, 2_000);
    const excerpt = optionalText(`${at}.excerpt`, ref.excerpt, 2_000);
    return { type, id, ...(uri ? { uri } : {}), ...(excerpt ? { excerpt } : {}) };
  });
}

/**
 * The sources of an agent output as the caller may see them: a source that names an entity hidden from the
 * caller (restricted, outside their Box ACL or allowlist) is shown redacted — the output still says it had a
 * source, but neither its ID nor its excerpt leaks. The rule is shared with the audit trail (catalog/sources).
 */
export const sourceRefsOf = (row: { sourceRefs: unknown }, _args: unknown, ctx: Context) =>
  redactSources(row.sourceRefs, (id) => ctx.loaders.entityVisible(id));
