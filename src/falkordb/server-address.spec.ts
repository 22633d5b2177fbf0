import { findAllowedServer, parseServerAddress, sameHost, ServerAddress, serverAddressOfUrl } from './server-address';

describe('parseServerAddress', () => {
  it.each([
    ['localhost:6379', { host: 'localhost', port: 6379, tls: false }],
    ['  db.internal:6380 ', { host: 'db.internal', port: 6380, tls: false }],
    ['10.0.0.5:1', { host: '10.0.0.5', port: 1, tls: false }],
    ['[::1]:65535', { host: '::1', port: 65535, tls: false }],
    ['[2001:db8::7]:6379', { host: '2001:db8::7', port: 6379, tls: false }],
    ['redis://db:6379', { host: 'db', port: 6379, tls: false }],
    ['rediss://db:6379', { host: 'db', port: 6379, tls: true }],
    ['falkor://db:6379', { host: 'db', port: 6379, tls: false }],
    ['FALKORS://db:6379', { host: 'db', port: 6379, tls: true }],
  ])('parses %s', (text, expected) => {
    expect(parseServerAddress(text)).toEqual(expected);
  });

  it('uses the default TLS setting only when no scheme says otherwise', () => {
    expect(parseServerAddress('db:6379', true).tls).toBe(true);
    expect(parseServerAddress('redis://db:6379', true).tls).toBe(false);
  });

  it.each(['localhost', 'localhost:', ':6379', 'db:port', '::1:6379', 'db:6379/0', 'http://db:6379', 'db:123456', 'a b:1'])(
    'rejects "%s" as not a host:port pair',
    (text) => {
      expect(() => parseServerAddress(text)).toThrow(`"${text}" is not a host:port pair`);
    },
  );

  it.each(['db:0', 'db:65536', 'db:99999'])('rejects the port in "%s"', (text) => {
    expect(() => parseServerAddress(text)).toThrow(`"${text}" has a port outside 1..65535`);
  });
});

describe('sameHost', () => {
  it.each([
    ['localhost', '127.0.0.1'],
    ['127.0.0.1', '::1'],
    ['[::1]', 'localhost'],
    ['LocalHost', '::1'],
    ['DB.Internal', 'db.internal'],
    [' db ', 'db'],
  ])('treats %s and %s as the same host', (a, b) => {
    expect(sameHost(a, b)).toBe(true);
    expect(sameHost(b, a)).toBe(true);
  });

  it.each([
    ['localhost', 'db'],
    ['127.0.0.1', '127.0.0.2'],
    ['localhost', '0.0.0.0'],
    ['db', 'db.internal'],
  ])('treats %s and %s as different hosts', (a, b) => {
    expect(sameHost(a, b)).toBe(false);
  });
});

describe('findAllowedServer', () => {
  const allowed: ServerAddress[] = [
    { host: 'localhost', port: 6379, tls: false },
    { host: 'db.internal', port: 6380, tls: true },
  ];

  it('returns the allow-list entry, in its own spelling', () => {
    expect(findAllowedServer(allowed, '127.0.0.1', 6379)).toBe(allowed[0]);
    expect(findAllowedServer(allowed, 'DB.INTERNAL', 6380)).toBe(allowed[1]);
  });

  it('refuses a host or port that is not on the list', () => {
    expect(findAllowedServer(allowed, 'localhost', 6380)).toBeUndefined();
    expect(findAllowedServer(allowed, 'db.internal', 6379)).toBeUndefined();
    expect(findAllowedServer(allowed, '169.254.169.254', 80)).toBeUndefined();
    expect(findAllowedServer([], 'localhost', 6379)).toBeUndefined();
  });
});

describe('serverAddressOfUrl', () => {
  it.each([
    ['redis://user:pw@db.internal:6380', { host: 'db.internal', port: 6380, tls: false }],
    ['rediss://db', { host: 'db', port: 6379, tls: true }],
    ['falkor://127.0.0.1:7000', { host: '127.0.0.1', port: 7000, tls: false }],
    ['falkors://db:7000', { host: 'db', port: 7000, tls: true }],
    ['redis://[::1]:6390', { host: '::1', port: 6390, tls: false }],
  ])('reads %s', (url, expected) => {
    expect(serverAddressOfUrl(url)).toEqual(expected);
  });

  it('throws on something that is not a URL', () => {
    expect(() => serverAddressOfUrl('not a url')).toThrow('Invalid URL');
  });
});
