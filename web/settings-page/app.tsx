import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Role } from './api';
import { createApi, problemMessage } from './api';
import type { PageConfig } from './config';
import { type SignedInUser, SignIn } from './sign-in';
import { TokensView } from './tokens-view';

/** Who is signed in, for display only (the session itself is the httpOnly cookie; no token is ever stored). */
const USER_KEY = 'falkordb-pat:user';

function rememberedUsername(): string | undefined {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(USER_KEY) ?? 'null') as { username?: unknown } | null;
    return typeof saved?.username === 'string' ? saved.username : undefined;
  } catch {
    return undefined;
  }
}

function remember(user: SignedInUser | undefined): void {
  try {
    if (user) window.sessionStorage.setItem(USER_KEY, JSON.stringify({ username: user.username }));
    else window.sessionStorage.removeItem(USER_KEY);
  } catch {
    // Storage may be disabled; the name is only shown.
  }
}

type View = { kind: 'checking' } | { kind: 'signed-out'; notice?: string } | { kind: 'signed-in'; username?: string; role: Role };

export function App({ config }: { config: PageConfig }) {
  const [view, setView] = useState<View>(config.sessionCookiePresent ? { kind: 'checking' } : { kind: 'signed-out' });
  const [error, setError] = useState<string>();
  const endSession = useCallback((notice: string) => {
    remember(undefined);
    setView({ kind: 'signed-out', notice });
  }, []);
  const api = useMemo(() => createApi(config.apiPath, () => endSession('Your session has ended. Please sign in again.')), [config, endSession]);

  // A session cookie came with the page: is the session still valid, and whose role is it?
  useEffect(() => {
    if (view.kind !== 'checking') return;
    void api.GET('/api/auth/tokens', { params: { query: { state: 'active' } } }).then(({ data, error: problem, response }) => {
      if (data) setView({ kind: 'signed-in', username: rememberedUsername(), role: data.role });
      else if (response.status !== 401) {
        setView({ kind: 'signed-out' });
        setError(problemMessage(problem, response));
      }
    });
  }, [api, view.kind]);

  useEffect(() => {
    document.title = view.kind === 'signed-in' ? 'Personal Access Tokens · Settings' : 'Sign in · Personal Access Tokens';
  }, [view.kind]);

  const onRole = useCallback((role: Role) => {
    setView((current) => (current.kind === 'signed-in' && current.role !== role ? { ...current, role } : current));
  }, []);

  async function signOut(): Promise<void> {
    const { response, error: problem } = await api.POST('/api/auth/logout');
    if (response.ok || response.status === 401) {
      remember(undefined);
      setView({ kind: 'signed-out', notice: 'You have signed out.' });
    } else {
      setError(problemMessage(problem, response));
    }
  }

  return (
    <>
      <header class="topbar">
        <div class="topbar-inner">
          <span class="brand">FalkorDB</span>
          <nav aria-label="Breadcrumb" class="breadcrumb">
            <ol>
              <li>Settings</li>
              <li aria-current="page">Personal Access Tokens</li>
            </ol>
          </nav>
          {view.kind === 'signed-in' && (
            <div class="account">
              <span class="who">
                {view.username ? <strong>{view.username}</strong> : 'Signed in'} <span class="role">{view.role}</span>
              </span>
              <button type="button" onClick={() => void signOut()}>
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      <main class="main">
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        {view.kind === 'checking' && <p class="muted">Loading…</p>}
        {view.kind === 'signed-out' && (
          <SignIn
            api={api}
            config={config}
            notice={view.notice}
            onSignedIn={(user) => {
              remember(user);
              setError(undefined);
              setView({ kind: 'signed-in', username: user.username, role: user.role });
            }}
          />
        )}
        {view.kind === 'signed-in' && (
          <section aria-labelledby="main-heading">
            <h1 id="main-heading" tabIndex={-1}>
              Personal Access Tokens
            </h1>
            <TokensView api={api} config={config} role={view.role} onRole={onRole} />
          </section>
        )}
      </main>
    </>
  );
}
