/**
 * The analyst's token: kept for the browser tab's session (sessionStorage), and across browser restarts only when
 * they ticked "keep me signed in" (localStorage). The token's expiry and ID are read from its (unverified) JWT payload:
 * the gateway verifies it on every request; the page only displays them.
 */
const KEY = 'wrk.explorer.token';

export function storedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? undefined;
}

export function storeToken(token: string, keep: boolean): void {
  sessionStorage.setItem(KEY, token);
  if (keep) localStorage.setItem(KEY, token);
  else localStorage.removeItem(KEY);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}

export interface TokenPayload {
  /** The token's ID (ApiToken.id). */
  tok?: string;
  /** Seconds since the epoch. */
  exp?: number;
}

export function tokenPayload(token: string): TokenPayload {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const payload: unknown = JSON.parse(json);
    if (typeof payload !== 'object' || payload === null) return {};
    return {
      tok: 'tok' in payload && typeof payload.tok === 'string' ? payload.tok : undefined,
      exp: 'exp' in payload && typeof payload.exp === 'number' ? payload.exp : undefined,
    };
  } catch {
    return {};
  }
}
