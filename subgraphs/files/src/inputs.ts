import { expectIdOf } from '@wrk/catalog/ids';
import { badUserInput, ErrorCode, graphQLError, notFound } from '@wrk/platform';
import type { Context } from './context.ts';
import type { FilesRowLoaderName } from './loaders.ts';

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

const BOX_ID = /^[0-9]{1,32}$/;

/** Box's own ID of an item or folder: a numeric string. */
export function boxId(field: string, value: string): string {
  const id = value.trim();
  if (!BOX_ID.test(id)) throw badUserInput(field, 'must be a Box ID (digits only)');
  return id;
}

export function optionalBoxId(field: string, value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : boxId(field, value);
}

/** A byte count given as a decimal string (it may exceed 2^53): a non-negative BigInt. */
export function optionalByteCount(field: string, value: string | null | undefined): bigint | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (!/^[0-9]{1,19}$/.test(text) || BigInt(text) > 9_223_372_036_854_775_807n) {
    throw badUserInput(field, 'must be a non-negative whole number of bytes, as a decimal string');
  }
  return BigInt(text);
}

export function dateOrNull(value: Date | string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}

/** CONFLICT naming the field whose value already exists. */
export const conflict = (field: string, message: string) => graphQLError(ErrorCode.CONFLICT, `${field}: ${message}`, { field });

/** The row an ID argument names: INVALID_ID for a wrong type, NOT_FOUND (naming the field) when absent. */
export async function referencedRow<Name extends FilesRowLoaderName>(
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

export async function optionalReferencedRow<Name extends FilesRowLoaderName>(
  ctx: Context,
  field: string,
  typename: string,
  loader: Name,
  id: string | null | undefined,
) {
  return id ? referencedRow(ctx, field, typename, loader, id) : null;
}
