/** Host names (without port) a request may be addressed to, or `*` for any. */
export type AllowedHosts = readonly string[] | '*';

/** The names a machine calls itself on loopback: the development default. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** `Host: example.com:3000` / `[::1]:3000` → `example.com` / `::1`, lowercased. */
export function hostNameOf(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1];
  return host.replace(/:\d+$/, '');
}

/**
 * Whether a request addressed to `hostHeader` may be served. A browser tricked by DNS rebinding
 * sends the attacker's host name with the victim's address: refusing unknown names keeps a
 * loopback-only development service (whose FalkorDB default user has no password) out of reach.
 */
export function isAllowedHost(allowed: AllowedHosts, hostHeader: string | undefined): boolean {
  return allowed === '*' || allowed.includes(hostNameOf(hostHeader));
}
