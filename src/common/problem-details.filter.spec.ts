import type { MockInstance } from 'vitest';
import { Controller, Get, INestApplication, Logger, NotFoundException, Param, UnauthorizedException } from '@nestjs/common';
import { AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ConflictError, DomainError, DomainErrorCode, ForbiddenError, NotFoundError, ValidationFailedError } from './domain-errors';
import { FalkorDbUnreachableError, InvalidCredentialsError, StoreUnavailableError, WriteNotReplicatedError } from '../falkordb/falkordb-errors';
import { InvalidTokenError } from '../credentials/credential-errors';
import { AuthenticationRequiredError, ServerNotAllowedError, TooManyAttemptsError, TokenIpNotAllowedError } from '../auth/auth-errors';
import { GraphNotFoundError, QueryRejectedError, QueryTimeoutError, TooManyQueriesError } from '../graph-api/query-errors';
import { ProblemDetailsFilter } from './problem-details.filter';

const ERRORS: Record<DomainErrorCode, () => DomainError> = {
  VALIDATION_FAILED: () => new ValidationFailedError({ name: ['name must not be blank'], ttlSeconds: ['ttlSeconds must be a positive integer'] }),
  SERVER_NOT_ALLOWED: () => new ServerNotAllowedError('169.254.169.254', 80),
  QUERY_REJECTED: () => new QueryRejectedError('errMsg: Invalid input'),
  INVALID_CREDENTIALS: () => new InvalidCredentialsError(),
  AUTHENTICATION_REQUIRED: () => new AuthenticationRequiredError(),
  INVALID_TOKEN: () => new InvalidTokenError('The "access" token has expired'),
  FORBIDDEN: () => new ForbiddenError('This operation requires the role Admin'),
  TOKEN_IP_NOT_ALLOWED: () => new TokenIpNotAllowedError('198.51.100.7'),
  NOT_FOUND: () => new NotFoundError('Token 1-abc not found'),
  GRAPH_NOT_FOUND: () => new GraphNotFoundError('social'),
  CONFLICT: () => new ConflictError('Too many tokens'),
  TOO_MANY_ATTEMPTS: () => new TooManyAttemptsError(42),
  TOO_MANY_QUERIES: () => new TooManyQueriesError('user', 2),
  STORE_UNAVAILABLE: () => new StoreUnavailableError(),
  WRITE_NOT_REPLICATED: () => new WriteNotReplicatedError(1, 0, 2000),
  FALKORDB_UNREACHABLE: () => new FalkorDbUnreachableError('db', 6379),
  QUERY_TIMEOUT: () => new QueryTimeoutError(1000),
};

const STATUS: Record<DomainErrorCode, number> = {
  VALIDATION_FAILED: 400,
  SERVER_NOT_ALLOWED: 400,
  QUERY_REJECTED: 400,
  INVALID_CREDENTIALS: 401,
  AUTHENTICATION_REQUIRED: 401,
  INVALID_TOKEN: 401,
  FORBIDDEN: 403,
  TOKEN_IP_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  GRAPH_NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_ATTEMPTS: 429,
  TOO_MANY_QUERIES: 429,
  STORE_UNAVAILABLE: 503,
  WRITE_NOT_REPLICATED: 503,
  FALKORDB_UNREACHABLE: 503,
  QUERY_TIMEOUT: 504,
};

const SECRET_DETAIL = 'connect ECONNREFUSED with password hunter2';

@Controller('boom')
class BoomController {
  @Get('domain/:code')
  domain(@Param('code') code: DomainErrorCode): never {
    throw ERRORS[code]();
  }

  @Get('http')
  http(): never {
    throw new NotFoundException('Nothing here');
  }

  @Get('http-401')
  http401(): never {
    throw new UnauthorizedException();
  }

  @Get('plain')
  plain(): never {
    throw new Error(SECRET_DETAIL);
  }
}

const ADAPTERS: [string, () => AbstractHttpAdapter][] = [
  ['fastify', () => new FastifyAdapter()],
  ['express', () => new ExpressAdapter()],
];

describe.each(ADAPTERS)('ProblemDetailsFilter on %s', (name, createAdapter) => {
  let app: INestApplication;
  let logged: MockInstance;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [BoomController] }).compile();
    app = moduleRef.createNestApplication(createAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter(app.get(HttpAdapterHost)));
    await app.init();
    if (name === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    logged.mockRestore();
  });

  it.each(Object.keys(STATUS) as DomainErrorCode[])('maps %s to its status as a problem document', async (code) => {
    const error = ERRORS[code]();
    const response = await request(app.getHttpServer()).get(`/boom/domain/${code}`);

    expect(response.status).toBe(STATUS[code]);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json\b/);
    const body = JSON.parse(response.text) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: `https://falkordb.com/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      status: STATUS[code],
      detail: error.message,
      message: error.message,
      code,
    });
    expect(typeof body.title).toBe('string');
    expect(body.errors).toEqual(error.fields);
  });

  it('names each bad field of a validation error', async () => {
    const response = await request(app.getHttpServer()).get('/boom/domain/VALIDATION_FAILED').expect(400);
    expect(response.body).toMatchObject({
      title: 'Bad Request',
      errors: { name: ['name must not be blank'], ttlSeconds: ['ttlSeconds must be a positive integer'] },
    });
  });

  it('challenges with error="invalid_token" for a rejected token, without breaking the header quoting', async () => {
    const response = await request(app.getHttpServer()).get('/boom/domain/INVALID_TOKEN').expect(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="falkordb", error="invalid_token", error_description="The access token has expired"',
    );
  });

  it.each(['AUTHENTICATION_REQUIRED', 'INVALID_CREDENTIALS'])('challenges %s without an error code', async (code) => {
    const response = await request(app.getHttpServer()).get(`/boom/domain/${code}`).expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="falkordb"');
  });

  it.each((Object.keys(STATUS) as DomainErrorCode[]).filter((code) => STATUS[code] !== 401))(
    'sends no WWW-Authenticate for %s',
    async (code) => {
      const response = await request(app.getHttpServer()).get(`/boom/domain/${code}`).expect(STATUS[code]);
      expect(response.headers['www-authenticate']).toBeUndefined();
    },
  );

  it.each(['STORE_UNAVAILABLE', 'WRITE_NOT_REPLICATED', 'FALKORDB_UNREACHABLE'])('asks the client to retry after %s', async (code) => {
    const response = await request(app.getHttpServer()).get(`/boom/domain/${code}`).expect(503);
    expect(response.headers['retry-after']).toBe('5');
  });

  it('tells a client that made too many attempts when to retry', async () => {
    const response = await request(app.getHttpServer()).get('/boom/domain/TOO_MANY_ATTEMPTS').expect(429);
    expect(response.headers['retry-after']).toBe('42');
  });

  it.each(['QUERY_TIMEOUT', 'NOT_FOUND', 'INVALID_TOKEN'])('sends no Retry-After with %s', async (code) => {
    const response = await request(app.getHttpServer()).get(`/boom/domain/${code}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers['retry-after']).toBeUndefined();
  });

  it('turns an HttpException into a problem with its status and message', async () => {
    const response = await request(app.getHttpServer()).get('/boom/http').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json\b/);
    expect(JSON.parse(response.text)).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'Nothing here', message: 'Nothing here' });
  });

  it('challenges a 401 HttpException', async () => {
    const response = await request(app.getHttpServer()).get('/boom/http-401').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="falkordb"');
    expect(response.body).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'Unauthorized' });
  });

  it('answers an unknown route with a problem too', async () => {
    const response = await request(app.getHttpServer()).get('/nowhere').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json\b/);
    expect(JSON.parse(response.text)).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('turns any other error into an opaque 500 that does not leak its message, and logs it', async () => {
    const response = await request(app.getHttpServer()).get('/boom/plain').expect(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json\b/);
    expect(JSON.parse(response.text)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      message: 'An unexpected error occurred',
    });
    expect(response.text).not.toContain('hunter2');
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(SECRET_DETAIL));
  });
});
