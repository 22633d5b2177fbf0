import { CliEnvironment } from './cli-environment';
import { NotSignedInError, UsageError } from './cli-errors';
import { Output, printable } from './output';
import { CliCredential, serviceClient, ServiceClient } from './service-api';
import { SessionStore } from './session-store';

/** The options every command takes. */
export interface GlobalOptions {
  url?: string;
  json?: boolean;
}

/** What a command works with: the service, how to authenticate, where sessions live, how to print. */
/** Hosts where plain http stays on this machine. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export class CliContext {
  readonly sessions: SessionStore;
  private warnedPlainHttp = false;

  constructor(
    private readonly environment: CliEnvironment,
    private readonly options: GlobalOptions,
  ) {
    this.sessions = new SessionStore(environment.configDir);
  }

  get output(): Output {
    return { json: this.options.json === true };
  }

  /** `--url`, else FALKORDB_PAT_URL, normalised (`HTTPS://Host:443/` and `https://host` are one service, one session). */
  get url(): string {
    const given = this.options.url ?? this.environment.url;
    if (!given) throw new UsageError('Which service? Give --url https://pat.example.com or set FALKORDB_PAT_URL');
    let parsed: URL;
    try {
      parsed = new URL(given);
    } catch {
      throw new UsageError(`--url must be an http or https URL (got "${printable(given)}")`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url must be http or https (got "${parsed.protocol}")`);
    if (parsed.username || parsed.password) throw new UsageError('--url must not hold a user or password: use `login` or FALKORDB_PAT_TOKEN');
    if (parsed.search || parsed.hash) throw new UsageError('--url takes the service\'s address only, without ?query or #fragment');
    const url = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    if (parsed.protocol === 'http:' && !LOOPBACK.has(parsed.hostname) && !this.warnedPlainHttp) {
      this.warnedPlainHttp = true;
      process.stderr.write(`Warning: ${url} is plain http: passwords, sessions and tokens cross the network unencrypted (use https)\n`);
    }
    return url;
  }

  /** FALKORDB_PAT_TOKEN when set, else the session stored for the service. */
  async credential(): Promise<CliCredential> {
    if (this.environment.token) return { kind: 'token', token: this.environment.token };
    const session = await this.sessions.get(this.url);
    if (!session) throw new NotSignedInError(this.url);
    return { kind: 'session', cookie: session.cookie };
  }

  async client(): Promise<ServiceClient> {
    return serviceClient(this.url, await this.credential());
  }

  anonymousClient(): ServiceClient {
    return serviceClient(this.url, { kind: 'none' });
  }
}
