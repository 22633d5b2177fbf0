import createClient, { Client } from 'openapi-fetch';
import type { paths } from './generated/openapi-paths';
import { ApiError } from './cli-errors';

/** How the CLI authenticates: a PAT (FALKORDB_PAT_TOKEN), a stored session's cookie, or nothing (login). */
export type CliCredential = { kind: 'token'; token: string } | { kind: 'session'; cookie: string } | { kind: 'none' };

export type ServiceClient = Client<paths>;

/**
 * The generated OpenAPI client (openapi-fetch over openapi.json's types) for `url`, sending the
 * credential with every call. A session's writes carry the service's own Origin, as its page's do
 * (the CSRF check wants it).
 */
export function serviceClient(url: string, credential: CliCredential): ServiceClient {
  const headers: Record<string, string> = { 'user-agent': 'falkordb-pat-cli/1' };
  if (credential.kind === 'token') headers.authorization = `Bearer ${credential.token}`;
  if (credential.kind === 'session') {
    headers.cookie = credential.cookie;
    headers.origin = new URL(url).origin;
  }
  // A redirect is an error: following one would send a password, a cookie or a token wherever it points.
  return createClient<paths>({ baseUrl: url, headers, redirect: 'error' });
}

/** The data of a call, or an ApiError with the service's problem details. */
export async function answerOf<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) throw new ApiError(response.status, (error ?? undefined));
  return data;
}
