import { ErrorCode, badUserInput, graphQLError } from '@wrk/platform';

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
