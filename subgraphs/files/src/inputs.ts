import { expectIdOf, referencedRow as referenced } from '@wrk/catalog/ids';
import { ErrorCode, badUserInput, dateOrNull, graphQLError, notFound, optionalText, requiredText } from '@wrk/platform';
import type { Context } from './context.ts';
import type { FilesRowLoaderName } from './loaders.ts';

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

/** CONFLICT naming the field whose value already exists. */
export const conflict = (field: string, message: string) => graphQLError(ErrorCode.CONFLICT, `${field}: ${message}`, { field });

/** The row an ID argument names, through this request's (visibility-filtered) loader. */
export function referencedRow<Name extends FilesRowLoaderName>(ctx: Context, field: string, typename: string, loader: Name, id: string) {
  return referenced(ctx.loaders[loader] as Loader<Name>, field, typename, id);
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

type Loader<Name extends FilesRowLoaderName> = { load(id: string): Promise<NonNullable<Awaited<ReturnType<Context['loaders'][Name]['load']>>> | null> };

export { dateOrNull, optionalText, requiredText };
