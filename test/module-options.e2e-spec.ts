import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  AUTH_MODULE_OPTIONS,
  AuthModule,
  AuthModuleOptions,
  FalkorDbConnection,
  FalkorDbHealthIndicator,
  FalkorDbPatModule,
  GRAPH_API_MODULE_OPTIONS,
  FALKORDB_MODULE_OPTIONS,
  FalkorDbModule,
  FalkorDbModuleOptions,
  FalkorDbModuleOptionsFactory,
  TOKENS_MODULE_OPTIONS,
  TokensModule,
  TokensService,
} from '../src';

/** Opens no connection: providers are constructed (options validated) but the module is never initialised. */
const URL_OPTIONS: FalkorDbModuleOptions = { url: 'redis://127.0.0.1:6390', tokenGraph: 'opts_graph' };
const AUTH_OPTIONS: AuthModuleOptions = {
  jwtSecret: 'module-options-jwt-secret-0123456789abcdef',
  sessionSecret: 'module-options-session-secret-0123456789ab',
  encryptionKey: '3d'.repeat(32),
};

async function compile(imports: Parameters<typeof Test.createTestingModule>[0]['imports']) {
  return Test.createTestingModule({ imports }).compile();
}

@Injectable()
class GraphOptionsFactory implements FalkorDbModuleOptionsFactory {
  create(): FalkorDbModuleOptions {
    return { ...URL_OPTIONS, tokenGraph: 'from_class' };
  }
}

@Module({ providers: [GraphOptionsFactory], exports: [GraphOptionsFactory] })
class OptionsFactoryModule {}

describe('module options (forRoot / forRootAsync, validation, isGlobal)', () => {
  describe('FalkorDbModule validation names every problem at startup', () => {
    it.each<[string, FalkorDbModuleOptions, RegExp]>([
      ['no store at all', {}, /one of `url` \(external FalkorDB\), `sentinel`, `client` \(a connected FalkorDB client\) or `embedded` is required/],
      ['two stores', { url: 'redis://h:1', embedded: { dataDir: '/tmp/x', port: 6379 } }, /give only one of `url`, `sentinel`, `client` or `embedded` \(got url, embedded\)/],
      ['a sentinel without sentinels', { sentinel: { sentinels: [], masterName: 'm' } }, /sentinel\.sentinels must list at least one sentinel/],
      ['a sentinel with a bad master name', { sentinel: { sentinels: [{ host: 'h', port: 26379 }], masterName: 'has space' } }, /sentinel\.masterName must be the monitored master name/],
      ['a negative replica count', { url: 'redis://h:1', replicaAcks: { minReplicas: -1 } }, /replicaAcks\.minReplicas must be an integer from 0 to 100/],
      ['a URL of another protocol', { url: 'http://db:6379' }, /url must start with redis:\/\/, rediss:\/\/, falkor:\/\/ or falkors:\/\/ \(got http:\)/],
      ['a URL that does not parse', { url: '::::' }, /url is not a valid URL \(e.g. redis:\/\/user:pass@host:6379\)/],
      ['a client that is not a FalkorDB client', { client: {} as never }, /client must be a connected FalkorDB client/],
      ['clientServer without client', { url: 'redis://h:1', clientServer: { host: 'h', port: 1 } }, /clientServer is only used together with client/],
      ['an embedded server without a port', { embedded: { dataDir: './data', port: 0 } }, /embedded.port must be an integer from 1 to 65535/],
      ['a token graph with a space', { ...URL_OPTIONS, tokenGraph: 'bad graph' }, /tokenGraph must be 1..128 of \[A-Za-z0-9_-\], starting with a letter or _/],
      ['a zero command timeout', { ...URL_OPTIONS, commandTimeoutMs: 0 }, /commandTimeoutMs must be a positive integer number of milliseconds/],
      ['a fractional connect timeout', { ...URL_OPTIONS, connectTimeoutMs: 1.5 }, /connectTimeoutMs must be a positive integer number of milliseconds .* got 1\.5/],
    ])('rejects %s', async (_name, options, expected) => {
      await expect(compile([FalkorDbModule.forRoot(options)])).rejects.toThrow(expected);
      await expect(compile([FalkorDbModule.forRoot(options)])).rejects.toThrow(/^Invalid FalkorDbModule options: /);
    });

    it('lists several problems in one error', async () => {
      const error = await compile([FalkorDbModule.forRoot({ tokenGraph: '9', commandTimeoutMs: -1 })]).catch((e: Error) => e);
      expect((error as Error).message.split('; ')).toHaveLength(3);
    });

    it('validates options from forRootAsync too', async () => {
      await expect(compile([FalkorDbModule.forRootAsync({ useFactory: () => ({ ...URL_OPTIONS, tokenGraph: 'x y' }) })])).rejects.toThrow(
        /Invalid FalkorDbModule options: tokenGraph/,
      );
    });
  });

  it('AuthModule and TokensModule reject bad options with their own clear errors', async () => {
    await expect(
      compile([FalkorDbModule.forRoot(URL_OPTIONS), AuthModule.forRootAsync({ useFactory: () => ({ ...AUTH_OPTIONS, jwtSecret: 'short' }) })]),
    ).rejects.toThrow(/Invalid AuthModule options: jwtSecret must be at least 32 characters/);
    await expect(
      compile([FalkorDbModule.forRoot(URL_OPTIONS), AuthModule.forRoot(AUTH_OPTIONS), TokensModule.forRoot({ maxTtlSeconds: -1 })]),
    ).rejects.toThrow(/Invalid TokensModule options: maxTtlSeconds must be an integer from 1 to/);
  });

  describe('forRootAsync supports useFactory + inject, useClass and useExisting', () => {
    it('useFactory with inject', async () => {
      const ref = await compile([
        OptionsFactoryModule,
        FalkorDbModule.forRootAsync({
          imports: [OptionsFactoryModule],
          inject: [GraphOptionsFactory],
          useFactory: (factory: GraphOptionsFactory) => Promise.resolve({ ...factory.create(), tokenGraph: 'from_factory' }),
        }),
      ]);
      expect(ref.get(FALKORDB_MODULE_OPTIONS, { strict: false })).toEqual({ ...URL_OPTIONS, tokenGraph: 'from_factory' });
      expect(ref.get(FalkorDbConnection, { strict: false }).tokenGraph).toBe('from_factory');
    });

    it('useClass', async () => {
      const ref = await compile([FalkorDbModule.forRootAsync({ useClass: GraphOptionsFactory })]);
      expect(ref.get(FalkorDbConnection, { strict: false }).tokenGraph).toBe('from_class');
    });

    it('useExisting', async () => {
      const ref = await compile([FalkorDbModule.forRootAsync({ imports: [OptionsFactoryModule], useExisting: GraphOptionsFactory })]);
      expect(ref.get(FalkorDbConnection, { strict: false }).tokenGraph).toBe('from_class');
    });

    it('all three modules together, without touching FalkorDB', async () => {
      const ref = await compile([
        FalkorDbModule.forRootAsync({ useFactory: () => URL_OPTIONS }),
        AuthModule.forRootAsync({ useFactory: () => AUTH_OPTIONS, routePrefix: 'v1/pat' }),
        TokensModule.forRootAsync({ useFactory: () => ({ maxTtlSeconds: 60 }), routePrefix: 'v1/pat' }),
      ]);
      expect(ref.get(AUTH_MODULE_OPTIONS, { strict: false })).toMatchObject(AUTH_OPTIONS);
      expect(ref.get(TOKENS_MODULE_OPTIONS, { strict: false })).toEqual({ maxTtlSeconds: 60 });
    });
  });

  describe('isGlobal', () => {
    it('defaults to global for FalkorDbModule and AuthModule (the others depend on them), not for TokensModule', () => {
      expect(FalkorDbModule.forRoot(URL_OPTIONS).global).toBe(true);
      expect(AuthModule.forRoot(AUTH_OPTIONS).global).toBe(true);
      expect(TokensModule.forRoot().global).toBe(false);
      expect(FalkorDbModule.forRootAsync({ useFactory: () => URL_OPTIONS }).global).toBe(true);
    });

    it('can be turned off, and is then not seen by modules that do not import it', async () => {
      expect(FalkorDbModule.forRoot({ ...URL_OPTIONS, isGlobal: false }).global).toBe(false);
      expect(TokensModule.forRoot({ isGlobal: true }).global).toBe(true);
      // The extra is not part of the options our providers receive.
      const ref = await compile([FalkorDbModule.forRoot({ ...URL_OPTIONS, isGlobal: true })]);
      expect(ref.get(FALKORDB_MODULE_OPTIONS, { strict: false })).toEqual(URL_OPTIONS);
      // AuthModule needs FalkorDbConnection from a global FalkorDbModule.
      await expect(compile([FalkorDbModule.forRoot({ ...URL_OPTIONS, isGlobal: false }), AuthModule.forRoot(AUTH_OPTIONS)])).rejects.toThrow(
        /FalkorDbConnection/,
      );
    });
  });

  describe('FalkorDbPatModule (the facade)', () => {
    it('hands each module its part of one options object, from one async factory, and exports TokensService to the host', async () => {
      let factoryCalls = 0;
      const ref = await compile([
        FalkorDbPatModule.forRootAsync({
          useFactory: () => {
            factoryCalls += 1;
            return { falkordb: URL_OPTIONS, auth: AUTH_OPTIONS, tokens: { maxTtlSeconds: 60 }, graphApi: { maxRows: 5 } };
          },
          routePrefix: 'v1/pat',
        }),
      ]);
      expect(factoryCalls).toBe(1);
      expect(ref.get(FALKORDB_MODULE_OPTIONS, { strict: false })).toEqual(URL_OPTIONS);
      expect(ref.get(AUTH_MODULE_OPTIONS, { strict: false })).toEqual(AUTH_OPTIONS);
      expect(ref.get(TOKENS_MODULE_OPTIONS, { strict: false })).toEqual({ maxTtlSeconds: 60 });
      expect(ref.get(GRAPH_API_MODULE_OPTIONS, { strict: false })).toEqual({ maxRows: 5 });
      expect(ref.get(TokensService)).toBeInstanceOf(TokensService);
      expect(ref.get(FalkorDbHealthIndicator)).toBeInstanceOf(FalkorDbHealthIndicator);
    });

    it('leaves the Graph API out with graphApi: false, and validates each part like the separate modules do', async () => {
      const ref = await compile([FalkorDbPatModule.forRoot({ falkordb: URL_OPTIONS, auth: AUTH_OPTIONS, routes: { graphApi: false } })]);
      expect(() => ref.get(GRAPH_API_MODULE_OPTIONS, { strict: false })).toThrow();
      await expect(compile([FalkorDbPatModule.forRoot({ falkordb: URL_OPTIONS, auth: { ...AUTH_OPTIONS, jwtSecret: 'short' } })])).rejects.toThrow(
        /Invalid AuthModule options: jwtSecret must be at least 32 characters/,
      );
    });
  });
});
