import { BlockList, isIP } from 'node:net';

/** At most this many addresses or ranges per token. */
export const MAX_ALLOWED_IPS = 20;

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, how dual-stack sockets report IPv4 peers) as IPv4. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/**
 * `10.0.0.1`, `10.0.0.0/8`, `2001:db8::1` or `2001:db8::/32` in canonical form (IPv4-mapped IPv6
 * written as IPv4), or undefined when it is neither an address nor a range.
 */
export function canonicalIpRange(text: string): string | undefined {
  const [address, prefix, ...rest] = text.trim().split('/');
  if (rest.length) return undefined;
  const plain = unmapped(address);
  const family = isIP(plain);
  if (!family) return undefined;
  if (prefix === undefined) return plain.toLowerCase();
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return undefined;
  return `${plain.toLowerCase()}/${Number(prefix)}`;
}

/** Whether `address` (a client address as the HTTP adapter resolved it) is inside one of `ranges`. */
export function isAllowedAddress(ranges: readonly string[], address: string): boolean {
  const client = unmapped(address);
  const family = isIP(client);
  if (!family) return false;
  const list = new BlockList();
  for (const range of ranges) {
    const [base, prefix] = range.split('/');
    const type = isIP(base) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(base, type);
    else list.addSubnet(base, Number(prefix), type);
  }
  return list.check(client, family === 6 ? 'ipv6' : 'ipv4');
}
