import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL, HISTORY_PLUGIN, type GraphiQLProps } from 'graphiql';
import type { GraphiQLPlugin } from '@graphiql/react';
import 'graphiql/style.css';
import './explorer.css';
import { config } from './config.ts';
import { asExecutionResult, plainError, postGraphQL } from './graphql.ts';
import { ExamplesPanel, GraphPanel, SessionPanel, TablePanel, type Session } from './panels.tsx';
import { recordResult } from './results.ts';
import { forgetToken, storedToken, storeToken, tokenPayload } from './session.ts';
import { SignIn } from './signIn.tsx';

// Monaco's workers, served by the gateway under hashed names (no CDN: analysts' machines may have no internet).
Object.assign(globalThis, {
  MonacoEnvironment: {
    getWorker(_id: string, label: string) {
      const name = label === 'json' ? config.workers.json : label === 'graphql' ? config.workers.graphql : config.workers.editor;
      return new Worker(`${config.assets}${name}`);
    },
  },
});

const WHO_AM_I = `query ExplorerSession { me { name email role } tokens { id scopes expiresAt } }`;
const SCHEMA_PROBE = `query ExplorerSchemaProbe { __schema { queryType { name } } }`;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const stringOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Who the token belongs to (from `me` and the caller's tokens), and anything that keeps it from exploring. */
async function sessionOf(token: string): Promise<Session & { rejected?: boolean }> {
  const payload = tokenPayload(token);
  const expiresAt = payload.exp ? new Date(payload.exp * 1000) : undefined;
  const [who, probe] = await Promise.all([postGraphQL(token, { query: WHO_AM_I }), postGraphQL(token, { query: SCHEMA_PROBE })]);
  const rejected = [who, probe].some((response) => response.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED'));
  if (rejected) return { rejected, problem: plainError(who) ?? plainError(probe) };
  const me = isObject(who.data?.me) ? who.data.me : {};
  const tokens: unknown[] = Array.isArray(who.data?.tokens) ? who.data.tokens : [];
  const current = tokens.filter(isObject).find((row) => row.id === payload.tok);
  const scopes = Array.isArray(current?.scopes) ? current.scopes.filter((scope) => typeof scope === 'string') : undefined;
  const recordedExpiry = stringOf(current?.expiresAt);
  const problems = [
    plainError(who) && `Who you are could not be read: ${plainError(who)}`,
    plainError(probe) && `The schema cannot be loaded (introspection refused): ${plainError(probe)}`,
  ].filter(Boolean);
  return {
    name: stringOf(me.name),
    email: stringOf(me.email),
    role: stringOf(me.role),
    scopes,
    expiresAt: recordedExpiry ? new Date(recordedExpiry) : expiresAt,
    problem: problems.join(' ') || undefined,
  };
}

function plugin(title: string, glyph: string, content: GraphiQLPlugin['content']): GraphiQLPlugin {
  return { title, icon: () => <span className="wrk-icon">{glyph}</span>, content };
}

function Explorer({ token, session, onSignOut }: { token: string; session: Session; onSignOut: () => void }) {
  const fetcher: GraphiQLProps['fetcher'] = useCallback(
    async (params: { query: string; variables?: unknown; operationName?: string | null }) => {
      const result = await postGraphQL(token, params);
      if (params.operationName !== 'IntrospectionQuery') recordResult(result);
      return asExecutionResult(result);
    },
    [token],
  );
  const plugins = useMemo(
    () => [
      plugin('Signed in', '☺', () => <SessionPanel session={session} onSignOut={onSignOut} />),
      plugin('Examples', '★', ExamplesPanel),
      HISTORY_PLUGIN,
      plugin('Table', '▦', TablePanel),
      plugin('Graph', '⬡', () => <GraphPanel token={token} />),
    ],
    [session, onSignOut, token],
  );
  return (
    <>
      {session.problem && (
        <div className="wrk-banner" role="alert" data-testid="problem">
          {session.problem}
        </div>
      )}
      <GraphiQL
        fetcher={fetcher}
        plugins={plugins}
        isHeadersEditorEnabled={false}
        defaultQuery={'# Pick an example operation (★ on the left), or write your own and run it (▶ or Ctrl-Enter).\n'}
      />
    </>
  );
}

function App() {
  const [token, setToken] = useState(storedToken);
  // The session is kept with the token it belongs to: a new token must not render, even once, with the last one's session.
  const [signedIn, setSignedIn] = useState<{ token: string; session: Session }>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    if (!token) return;
    let current = true;
    sessionOf(token).then(
      (found) => {
        if (!current) return;
        if (found.rejected) {
          forgetToken();
          setProblem(found.problem);
          setToken(undefined);
        } else setSignedIn({ token, session: found });
      },
      (failure: Error) => current && setProblem(failure.message),
    );
    return () => {
      current = false;
    };
  }, [token]);
  const signOut = useCallback(() => {
    forgetToken();
    setProblem(undefined);
    setToken(undefined);
  }, []);
  if (!token) {
    return (
      <SignIn
        problem={problem}
        onToken={(entered, keep) => {
          storeToken(entered, keep);
          setProblem(undefined);
          setToken(entered);
        }}
      />
    );
  }
  const session = signedIn?.token === token ? signedIn.session : undefined;
  if (!session) return <p className="wrk-loading">Signing in…</p>;
  // Keyed by the token: a new token mounts a new GraphiQL, which loads the schema with it at once.
  return <Explorer key={token} token={token} session={session} onSignOut={signOut} />;
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
