import { badUserInput } from './errors.ts';

/** A trimmed, non-empty string of at most `max` characters; BAD_USER_INPUT naming the field otherwise. */
export function requiredText(field: string, value: string, max = 500): string {
  const text = value.trim();
  if (!text) throw badUserInput(field, 'must not be empty');
  if (text.length > max) throw badUserInput(field, `must be at most ${max} characters`);
  return text;
}

/** A trimmed string of at most `max` characters, or null when absent or blank. */
export function optionalText(field: string, value: string | null | undefined, max = 10_000): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > max) throw badUserInput(field, `must be at most ${max} characters`);
  return text || null;
}

export function dateOrNull(value: Date | string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A trimmed, lower-cased e-mail address of at most 320 characters, or null when absent or blank. */
/** BAD_USER_INPUT on the end's field when a range ends before it starts (an open end never does). */
export function dateOrder(
  start: Date | null,
  end: Date | null,
  fields: { start: string; end: string } = { start: 'startDate', end: 'endDate' },
) {
  if (start && end && end < start) throw badUserInput(fields.end, `must not be before ${fields.start}`);
}

export function optionalEmail(field: string, value: string | null | undefined): string | null {
  const email = optionalText(field, value, 320)?.toLowerCase() ?? null;
  if (email && !EMAIL.test(email)) throw badUserInput(field, 'is not an email address');
  return email;
}

/** A trimmed, lower-cased e-mail address of at most 320 characters. */
export function email(field: string, value: string): string {
  const address = optionalEmail(field, value);
  if (!address) throw badUserInput(field, 'is not an email address');
  return address;
}

/**
 * A machine name (names a program gives itself or its records): lower-case letters, digits, - and _, starting
 * with a letter or digit, at most 64 characters. The union of the rules tokens and runs once followed apart, so
 * every name either accepted stays valid.
 */
const MACHINE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function machineName(field: string, value: string): string {
  if (!MACHINE_NAME.test(value)) {
    throw badUserInput(field, 'must be lower-case letters, digits, - and _ (at most 64), starting with a letter or digit');
  }
  return value;
}
