import { useId, useState } from 'preact/hooks';
import type { Api, Role } from './api';
import { problemMessage } from './api';
import type { PageConfig } from './config';

export interface SignedInUser {
  username: string;
  role: Role;
}

interface SignInProps {
  api: Api;
  config: PageConfig;
  /** Why the form is shown again (session ended, signed out). */
  notice?: string;
  onSignedIn: (user: SignedInUser) => void;
}

/** FalkorDB credentials → `POST /api/auth/login`, which sets the httpOnly session cookie. */
export function SignIn({ api, config, notice, onSignedIn }: SignInProps) {
  const ids = { username: useId(), password: useId(), host: useId(), port: useId(), tls: useId() };
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [host, setHost] = useState(config.host);
  const [port, setPort] = useState(config.port);
  const [tls, setTls] = useState(config.tls);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const { data, error: problem, response } = await api.POST('/api/auth/login', {
      body: { username: username.trim(), password, host: host.trim(), port: port.trim(), tls },
    });
    setBusy(false);
    if (data) {
      setPassword('');
      onSignedIn({ username: data.username, role: data.role });
    } else {
      setError(problemMessage(problem, response));
    }
  }

  return (
    <section class="card sign-in" aria-labelledby="main-heading">
      <h1 id="main-heading" tabIndex={-1}>
        Sign in
      </h1>
      <p class="lead">Sign in with your FalkorDB user to manage your Personal Access Tokens.</p>
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      <form class="form" onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for={ids.username}>Username</label>
          <input id={ids.username} type="text" required autocomplete="username" autocapitalize="none" spellcheck={false} value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={ids.password}>Password</label>
          <input id={ids.password} type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        <div class="server">
          <div class="field">
            <label for={ids.host}>Host</label>
            <input id={ids.host} type="text" required autocapitalize="none" spellcheck={false} value={host} onInput={(e) => setHost(e.currentTarget.value)} />
          </div>
          <div class="field port">
            <label for={ids.port}>Port</label>
            <input id={ids.port} type="text" inputMode="numeric" pattern="[0-9]{1,5}" required value={port} onInput={(e) => setPort(e.currentTarget.value)} />
          </div>
        </div>
        <div class="field checkbox">
          <input id={ids.tls} type="checkbox" checked={tls} onChange={(e) => setTls(e.currentTarget.checked)} />
          <label for={ids.tls}>TLS</label>
        </div>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            Sign in
          </button>
        </div>
      </form>
    </section>
  );
}
