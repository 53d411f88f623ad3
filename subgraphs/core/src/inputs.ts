import { badUserInput, optionalText } from '@wrk/platform';

export function optionalEmail(field: string, value: string | null | undefined): string | null {
  const email = optionalText(field, value, 320)?.toLowerCase() ?? null;
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) throw badUserInput(field, 'is not an email address');
  return email;
}
