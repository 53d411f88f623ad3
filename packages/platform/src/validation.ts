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
