import { validateFalkorDbOptions } from '../falkordb.options';
import { hasSetpriv, serverArgs, serverCommand, serverConfigInput } from './server-command';

const options = { serverPath: '/usr/bin/valkey-server', modulePath: '/opt/falkordb.so', dataDir: '/var/lib/pat', port: 6380 };

/** The option's value on a command line. */
const valueOf = (args: string[], option: string) => args[args.indexOf(option) + 1];

describe('the embedded server command line', () => {
  it('listens on 127.0.0.1 only, fsyncs every write, keeps pid file and log in the data folder, and has no unix socket', () => {
    const args = serverArgs(options);
    expect(valueOf(args, '--port')).toBe('6380');
    expect(valueOf(args, '--bind')).toBe('127.0.0.1');
    expect(valueOf(args, '--dir')).toBe('/var/lib/pat');
    expect(valueOf(args, '--appendonly')).toBe('yes');
    expect(valueOf(args, '--appendfsync')).toBe('always');
    expect(valueOf(args, '--save')).toBe('');
    expect(valueOf(args, '--daemonize')).toBe('no');
    expect(valueOf(args, '--pidfile')).toBe('/var/lib/pat/falkordb.pid');
    expect(valueOf(args, '--logfile')).toBe('/var/lib/pat/falkordb.log');
    expect(args.some((arg) => /unixsocket/.test(arg))).toBe(false);
  });

  it('for a server with a password (the token store): reads it from stdin, listens on a private unix socket and no TCP port', () => {
    const args = serverArgs({ ...options, password: 'p'.repeat(43), unixSocket: '/var/lib/pat/falkordb.sock' });
    expect(args[0]).toBe('-');
    expect(valueOf(args, '--port')).toBe('0');
    expect(args).not.toContain('--bind');
    expect(valueOf(args, '--unixsocket')).toBe('/var/lib/pat/falkordb.sock');
    expect(valueOf(args, '--unixsocketperm')).toBe('700');
    expect(args.join(' ')).not.toContain('p'.repeat(43));
    expect(serverConfigInput({ password: 'p'.repeat(43) })).toBe(`requirepass ${'p'.repeat(43)}\n`);
    expect(serverConfigInput({})).toBeUndefined();
    expect(() => serverConfigInput({ password: 'two words' })).toThrow(/16\.\.256/);
  });

  it('passes the module arguments after --loadmodule, last on the line', () => {
    const args = serverArgs({ ...options, moduleArgs: { TIMEOUT_MAX: 10000, TIMEOUT_DEFAULT: 5000, QUERY_MEM_CAPACITY: 1073741824, MAX_QUEUED_QUERIES: 100 } });
    expect(args.slice(args.indexOf('--loadmodule'))).toEqual([
      '--loadmodule', '/opt/falkordb.so',
      'TIMEOUT_MAX', '10000', 'TIMEOUT_DEFAULT', '5000', 'QUERY_MEM_CAPACITY', '1073741824', 'MAX_QUEUED_QUERIES', '100',
    ]);
  });

  it('runs the server under setpriv --pdeathsig SIGTERM when setpriv is there (util-linux, Debian), else directly', () => {
    const command = serverCommand(options);
    if (hasSetpriv()) {
      expect(command).toMatchObject({ file: 'setpriv', pdeathsig: true });
      expect(command.args.slice(0, 4)).toEqual(['--pdeathsig', 'SIGTERM', '--', '/usr/bin/valkey-server']);
    } else {
      expect(command).toMatchObject({ file: '/usr/bin/valkey-server', pdeathsig: false });
    }
    expect(command.args.slice(-serverArgs(options).length)).toEqual(serverArgs(options));
  });
});

describe('embedded options: moduleArgs and readyTimeoutMs', () => {
  const embedded = (extra: Record<string, unknown>) => ({ embedded: { dataDir: '/var/lib/pat', port: 6379, ...extra } });

  it('accepts numbers and single words', () => {
    expect(() => validateFalkorDbOptions(embedded({ moduleArgs: { TIMEOUT_MAX: 10000, RESULTSET_SIZE: -1, TEMP_FOLDER: '/var/tmp' }, readyTimeoutMs: 120000 }))).not.toThrow();
  });

  it.each([
    [{ moduleArgs: ['TIMEOUT_MAX', 1] }, 'embedded.moduleArgs must be an object'],
    [{ moduleArgs: { 'TIMEOUT MAX': 1 } }, 'is not a module argument name'],
    [{ moduleArgs: { TIMEOUT_MAX: 'ten seconds' } }, 'embedded.moduleArgs.TIMEOUT_MAX must be a finite number or one word'],
    [{ moduleArgs: { TIMEOUT_MAX: '--port' } }, 'embedded.moduleArgs.TIMEOUT_MAX must be'],
    [{ moduleArgs: { TIMEOUT_MAX: Number.NaN } }, 'embedded.moduleArgs.TIMEOUT_MAX must be'],
    [{ moduleArgs: { TIMEOUT_MAX: '' } }, 'embedded.moduleArgs.TIMEOUT_MAX must be'],
    [{ readyTimeoutMs: 0 }, 'embedded.readyTimeoutMs must be a positive integer'],
    [{ readyTimeoutMs: 1.5 }, 'embedded.readyTimeoutMs must be a positive integer'],
  ])('refuses %j', (extra, message) => {
    expect(() => validateFalkorDbOptions(embedded(extra))).toThrow(message);
  });
});
