import { expectIdOf } from '@wrk/catalog/ids';
import { badUserInput, notFound } from '@wrk/platform';
import type { Context } from './context.ts';
import type { CoreRowLoaderName } from './loaders.ts';

/** A trimmed, non-empty string of at most `max` characters; BAD_USER_INPUT naming the field otherwise. */
export function requiredText(field: string, value: string, max = 500): string {
  const text = value.trim();
  if (!text) throw badUserInput(field, 'must not be empty');
  if (text.length > max) throw badUserInput(field, `must be at most ${max} characters`);
  return text;
}

export function optionalText(field: string, value: string | null | undefined, max = 10_000): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > max) throw badUserInput(field, `must be at most ${max} characters`);
  return text || null;
}

export function optionalEmail(field: string, value: string | null | undefined): string | null {
  const email = optionalText(field, value, 320)?.toLowerCase() ?? null;
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) throw badUserInput(field, 'is not an email address');
  return email;
}

/** The row an ID argument names: INVALID_ID for a wrong type, NOT_FOUND (naming the field) when absent. */
export async function referencedRow<Name extends CoreRowLoaderName>(
  ctx: Context,
  field: string,
  typename: string,
  loader: Name,
  id: string,
) {
  expectIdOf(typename, id);
  const row = await ctx.loaders[loader].load(id);
  if (!row) throw notFound(id, { field });
  return row as NonNullable<Awaited<ReturnType<Context['loaders'][Name]['load']>>>;
}

export async function optionalReferencedRow<Name extends CoreRowLoaderName>(
  ctx: Context,
  field: string,
  typename: string,
  loader: Name,
  id: string | null | undefined,
) {
  return id ? referencedRow(ctx, field, typename, loader, id) : null;
}

export function dateOrNull(value: Date | string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}
