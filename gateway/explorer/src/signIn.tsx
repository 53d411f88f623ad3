import { useState, type FormEvent } from 'react';
import { config } from './config.ts';

interface Props {
  problem?: string;
  onToken: (token: string, keep: boolean) => void;
}

async function demoToken(email: string): Promise<string> {
  const response = await fetch('/explorer/demo-sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body: unknown = await response.json();
  const field = (name: string) => (typeof body === 'object' && body !== null && name in body ? String(Reflect.get(body, name)) : undefined);
  const token = field('token');
  if (!response.ok || !token) throw new Error(field('error') ?? `demo sign-in refused (${response.status})`);
  return token;
}

/** The first thing an analyst sees without a token: where to paste it, and how to get one. */
export function SignIn({ problem, onToken }: Props) {
  const [token, setToken] = useState('');
  const [keep, setKeep] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) onToken(token.trim(), keep);
  };
  const signInAs = (email: string) => {
    demoToken(email).then(
      (issued) => onToken(issued, keep),
      (failure: Error) => setError(failure.message),
    );
  };
  return (
    <main className="wrk-sign-in" data-testid="sign-in">
      <h1>WRK explorer</h1>
      <p>Sign in with your API token to explore the organisation&apos;s work graph.</p>
      {problem && (
        <p className="wrk-problem" role="alert" data-testid="sign-in-problem">
          {problem}
        </p>
      )}
      <form onSubmit={submit}>
        <label>
          Token
          <input name="token" type="password" autoComplete="off" value={token} onChange={(event) => setToken(event.target.value)} />
        </label>
        <label className="wrk-keep">
          <input name="keep" type="checkbox" checked={keep} onChange={(event) => setKeep(event.target.checked)} /> Keep me signed in on this
          browser
        </label>
        <button type="submit">Sign in</button>
      </form>
      <p className="wrk-hint">
        No token? Ask an administrator, or on the server run <code>pnpm wrk token create --user you@example.org</code>.
      </p>
      {config.demoUsers && (
        <section className="wrk-demo" data-testid="demo-sign-in">
          <h2>Sign in as a demo user</h2>
          <p>This stack runs on the embedded demo database: a short-lived token for one of its users.</p>
          {config.demoUsers.map((user) => (
            <button key={user.email} type="button" data-email={user.email} onClick={() => signInAs(user.email)}>
              {user.name} ({user.role})
            </button>
          ))}
          {error && <p className="wrk-problem">{error}</p>}
        </section>
      )}
    </main>
  );
}
