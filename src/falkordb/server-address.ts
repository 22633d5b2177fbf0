/** A FalkorDB server a client may name: host, port and whether to speak TLS. */
export interface ServerAddress {
  host: string;
  port: number;
  tls: boolean;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Hosts compare case-insensitively; every loopback spelling names the same machine. */
export function sameHost(a: string, b: string): boolean {
  const left = a.trim().toLowerCase();
  const right = b.trim().toLowerCase();
  return left === right || (LOOPBACK_NAMES.has(left) && LOOPBACK_NAMES.has(right));
}

/** The allow-list entry a requested host/port refers to, or undefined when it is not allowed. */
export function findAllowedServer(
  allowed: readonly ServerAddress[],
  host: string,
  port: number,
): ServerAddress | undefined {
  return allowed.find((server) => server.port === port && sameHost(server.host, host));
}

/** Parses `host:port` (or `[v6]:port`, `rediss://host:port` for TLS) as used in FALKORDB_ALLOWED_SERVERS. */
export function parseServerAddress(text: string, defaultTls = false): ServerAddress {
  let rest = text.trim();
  let tls = defaultTls;
  const scheme = /^(rediss?|falkors?):\/\//i.exec(rest);
  if (scheme) {
    // Only the `s` variants mean TLS (note that "redis" itself ends in an s).
    tls = ['rediss', 'falkors'].includes(scheme[1].toLowerCase());
    rest = rest.slice(scheme[0].length);
  }
  const match = /^(\[[^\]]+\]|[^:/\s]+):(\d{1,5})$/.exec(rest);
  if (!match) throw new Error(`"${text}" is not a host:port pair`);
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw new Error(`"${text}" has a port outside 1..65535`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port, tls };
}

/** Host and port (and TLS) of a redis:// / rediss:// / falkor:// URL. */
export function serverAddressOfUrl(url: string): ServerAddress {
  const parsed = new URL(url);
  const tls = parsed.protocol === 'rediss:' || parsed.protocol === 'falkors:';
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    tls,
  };
}
