import { isIP } from 'node:net';
import { AllowedHosts } from '../http/host-allow-list';
import { Environment, readInteger } from './environment';

/* The standalone service's HTTP settings, one reader each. */

const DEFAULT_HTTP_PORT = 3000;
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** A supervisor kills a process that takes longer anyway (Docker after 10 s, Kubernetes after 30 s by default). */
const MAX_SHUTDOWN_GRACE_MS = 600_000;

/** `ALLOWED_HOSTS`: comma-separated host names or IP addresses (no ports), or `*`. */
export function readAllowedHosts(raw: string | undefined, fallback: AllowedHosts, problems: string[]): AllowedHosts {
  const value = raw?.trim();
  if (!value) return fallback;
  if (value === '*') return '*';
  const hosts = value.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  for (const host of hosts) {
    if (!isIP(host) && !/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(host)) {
      problems.push(`ALLOWED_HOSTS entries must be host names or IP addresses without a port, or * (got "${host}")`);
    }
  }
  return hosts;
}

/** The HTTP port (0 = any free port, for tests). */
export function readPort(env: Environment, problems: string[]): number {
  const port = readInteger(env, 'PORT', problems) ?? DEFAULT_HTTP_PORT;
  if (port > 65535) problems.push(`PORT must be an integer from 0 to 65535 (got "${env.PORT}")`);
  return port;
}

/** An IP address or a host name: what `listen()` accepts. */
export function readHost(raw: string | undefined, fallback: string, problems: string[]): string {
  const value = raw?.trim();
  if (!value) return fallback;
  if (isIP(value) || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value)) return value;
  problems.push(`HOST must be an IP address or a host name, e.g. 0.0.0.0 or 127.0.0.1 (got "${raw}")`);
  return fallback;
}

export function readShutdownGrace(env: Environment, problems: string[]): number {
  const ms = readInteger(env, 'SHUTDOWN_GRACE_MS', problems) ?? DEFAULT_SHUTDOWN_GRACE_MS;
  if (ms > MAX_SHUTDOWN_GRACE_MS) problems.push(`SHUTDOWN_GRACE_MS must be an integer from 0 to ${MAX_SHUTDOWN_GRACE_MS} (got "${env.SHUTDOWN_GRACE_MS}")`);
  return Math.min(ms, MAX_SHUTDOWN_GRACE_MS);
}

export function readTrustProxy(raw: string | undefined, problems: string[]): boolean | string {
  const value = raw?.trim();
  if (!value || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) {
    // Fastify trusts no hop count (since 5.12): it cannot tell the proxy from a client that adds hops.
    problems.push(`TRUST_PROXY takes no hop count (got "${raw}"): name the proxies' addresses or ranges, e.g. 10.0.0.0/8,127.0.0.1, or true`);
    return false;
  }
  if (/^[0-9a-fA-F:.,/\s]+$/.test(value)) return value;
  problems.push(`TRUST_PROXY must be true, false, or the proxies' addresses or ranges (got "${raw}")`);
  return false;
}

export function readOrigins(raw: string | undefined, problems: string[]): string[] {
  const origins: string[] = [];
  for (const entry of (raw ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    try {
      const url = new URL(entry);
      if (url.origin === 'null' || url.pathname !== '/' || url.search) throw new Error();
      origins.push(url.origin);
    } catch {
      problems.push(`CORS_ORIGINS entries must be origins like https://app.example.com (got "${entry}")`);
    }
  }
  return origins;
}
