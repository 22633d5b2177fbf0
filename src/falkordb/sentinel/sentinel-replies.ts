import { HostAndPort } from './sentinel-options';

/** Parsers for what sentinels and data servers answer; undefined when the reply is not of the expected shape. */

/** `SENTINEL GET-MASTER-ADDR-BY-NAME`: `[ip, port]`, or null when the sentinel does not monitor that name. */
export function parseMasterAddress(reply: unknown): HostAndPort | undefined {
  if (!Array.isArray(reply) || reply.length !== 2) return undefined;
  const port = Number(reply[1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host: String(reply[0]), port };
}

/** ROLE: the first element is `master`, `slave` or `sentinel`. */
export function isPrimaryRole(reply: unknown): boolean {
  return Array.isArray(reply) && String(reply[0]) === 'master';
}

/** A `+switch-master` message: `<master name> <old ip> <old port> <new ip> <new port>`. */
export function parseSwitchMaster(message: string): { masterName: string; from: HostAndPort; to: HostAndPort } | undefined {
  const parts = message.trim().split(/\s+/);
  if (parts.length !== 5) return undefined;
  const [masterName, fromHost, fromPort, toHost, toPort] = parts;
  const from = parseMasterAddress([fromHost, fromPort]);
  const to = parseMasterAddress([toHost, toPort]);
  return from && to ? { masterName, from, to } : undefined;
}
