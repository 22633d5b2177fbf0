import { CliEnvironment } from './cli-environment';
import { NotSignedInError, UsageError } from './cli-errors';
import { Output } from './output';
import { CliCredential, serviceClient, ServiceClient } from './service-api';
import { SessionStore } from './session-store';

/** The options every command takes. */
export interface GlobalOptions {
  url?: string;
  json?: boolean;
}

/** What a command works with: the service, how to authenticate, where sessions live, how to print. */
export class CliContext {
  readonly sessions: SessionStore;

  constructor(
    private readonly environment: CliEnvironment,
    private readonly options: GlobalOptions,
  ) {
    this.sessions = new SessionStore(environment.configDir);
  }

  get output(): Output {
    return { json: this.options.json === true };
  }

  /** `--url`, else FALKORDB_PAT_URL; without a trailing slash. */
  get url(): string {
    const url = this.options.url ?? this.environment.url;
    if (!url) throw new UsageError('Which service? Give --url https://pat.example.com or set FALKORDB_PAT_URL');
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
    } catch {
      throw new UsageError(`--url must be an http or https URL (got "${url}")`);
    }
    return url.replace(/\/+$/, '');
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
