import { badUserInput } from '@wrk/platform';

export interface MoneyInput {
  amount: string;
  currency: string;
}

/** "1250.5" + "EUR" → 125050n cents; refuses floats' rounding surprises by taking a decimal string. */
export function parseMoney(field: string, input: MoneyInput | null | undefined): { cents: bigint; currency: string } | null {
  if (!input) return null;
  const match = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(input.amount.trim());
  if (!match) throw badUserInput(`${field}.amount`, 'must be a non-negative decimal with at most 2 decimals, e.g. "1250.00"');
  if (!/^[A-Z]{3}$/.test(input.currency)) throw badUserInput(`${field}.currency`, 'must be an ISO 4217 code such as EUR');
  const cents = BigInt(match[1]!) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return { cents, currency: input.currency };
}

export function formatMoney(cents: bigint | null, currency: string | null) {
  if (cents === null || !currency) return null;
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, '0');
  return { amount: `${whole}.${fraction}`, currency };
}
