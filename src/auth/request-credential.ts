import { CredentialKind } from '../domain/principal';

/** The raw credential found on a request, remembered so the strategy can hash it. */
export interface RequestCredential {
  kind: CredentialKind;
  token: string;
}

const CREDENTIAL = Symbol('falkordb-pat.credential');

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  [CREDENTIAL]?: RequestCredential;
}

function header(request: RequestLike, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    try {
      return decodeURIComponent(pair.slice(separator + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * PATs travel only as `Authorization: Bearer`, sessions only in the httpOnly cookie: where a
 * credential was found decides which key, audience and store check it. Bearer wins when both are
 * present. Reads plain headers, so it works the same on Express and Fastify.
 */
export function extractCredential(request: RequestLike, sessionCookieName: string): RequestCredential | undefined {
  // The guard, the strategy and passport-jwt each ask for it: read the headers once per request.
  const found = request[CREDENTIAL];
  if (found) return found;
  const authorization = header(request, 'authorization');
  let credential: RequestCredential | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer[ ]+(\S*)\s*$/i.exec(authorization);
    if (match) credential = { kind: 'pat', token: match[1] };
  }
  if (!credential) {
    const session = cookieValue(header(request, 'cookie'), sessionCookieName);
    if (session) credential = { kind: 'session', token: session };
  }
  if (credential) request[CREDENTIAL] = credential;
  return credential;
}

export function credentialOf(request: object): RequestCredential | undefined {
  return (request as RequestLike)[CREDENTIAL];
}
