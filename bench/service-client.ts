import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Credentials {
  username: string;
  password: string;
}

export interface MintedToken {
  token: string;
  tokenId: string;
}

export interface TimedResponse {
  status: number;
  /** performance.now() when the response head arrived: what latencies are measured to. */
  arrivedAt: number;
  body: string;
}

/**
 * The few service calls the bench makes itself (everything except the autocannon load): over
 * HTTP on keep-alive connections, like any client, each timed to the arrival of its response.
 * Plain node:http rather than fetch: fetch (undici) adds some 0.3 ms per request on this side, and
 * several ms at its p99, to latencies that are meant to be the service's.
 */
export class ServiceClient {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly url: URL;

  constructor(readonly baseUrl: string) {
    this.url = new URL(baseUrl);
  }

  request(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<TimedResponse> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const sent = httpRequest({ host: this.url.hostname, port: this.url.port, method, path, headers, agent: this.agent }, (response) => {
        const arrivedAt = performance.now();
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        // Reading the body to its end frees the connection for the next request.
        response.on('end', () => resolve({ status: response.statusCode ?? 0, arrivedAt, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      sent.on('error', reject);
      sent.end(body);
    });
  }

  /** A new PAT from FalkorDB credentials (POST /api/auth/tokens/credentials); throws unless 201. */
  async mint(user: Credentials, name = 'bench'): Promise<MintedToken> {
    const response = await this.request('POST', '/api/auth/tokens/credentials', {
      body: { username: user.username, password: user.password, name },
    });
    if (response.status !== 201) throw new Error(`minting a token for ${user.username} answered ${response.status}: ${response.body}`);
    const { token, tokenId } = JSON.parse(response.body) as MintedToken;
    return { token, tokenId };
  }

  getToken(minted: MintedToken): Promise<TimedResponse> {
    return this.request('GET', `/api/auth/tokens/${encodeURIComponent(minted.tokenId)}`, { token: minted.token });
  }

  revoke(minted: MintedToken): Promise<TimedResponse> {
    return this.request('DELETE', `/api/auth/tokens/${encodeURIComponent(minted.tokenId)}`, { token: minted.token });
  }

  /** Runs Cypher through the Graph API as the token's user; throws unless 2xx. */
  async graphQuery(graph: string, token: string, body: { query: string; readOnly?: boolean }): Promise<string> {
    const response = await this.request('POST', `/api/graph/${encodeURIComponent(graph)}/query`, { token, body });
    if (response.status < 200 || response.status > 299) throw new Error(`Graph API query on ${graph} answered ${response.status}: ${response.body}`);
    return response.body;
  }
}
