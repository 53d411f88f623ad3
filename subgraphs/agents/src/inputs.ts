import { parseSourceRefs, redactSources, type SourceRefArgument, type StoredSourceRef } from '@wrk/catalog/sources';
import { badUserInput } from '@wrk/platform';
import type { Context } from './context.ts';
import { Prisma } from './db.ts';
import { entityExists } from './nodes.ts';

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

/**
 * The sources of an agent output, checked by the one rule (catalog/sources.ts): never empty, each `{ id, quote?,
 * retrievedAt? }` naming an entity that exists and the caller may see — asked of agents' own loaders or of the
 * entity's owner with the caller's delegated claims.
 */
export const sourceRefs = (ctx: Context, field: string, refs: readonly SourceRefArgument[]): Promise<StoredSourceRef[]> =>
  parseSourceRefs(field, refs, (id) => entityExists(id, ctx));

/**
 * The sources of an agent output as the caller may see them: a source that names an entity hidden from the
 * caller (restricted, outside their Box ACL or allowlist) is shown redacted — the output still says it had a
 * source, but neither its ID nor its excerpt leaks. The rule is shared with the audit trail (catalog/sources).
 */
export const sourceRefsOf = (row: { sourceRefs: unknown }, _args: unknown, ctx: Context) =>
  redactSources(row.sourceRefs, (id) => ctx.loaders.entityVisible(id));
