import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, OperationObject, PathItemObject, ResponseObject, SwaggerModule } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './common/problem-details';
import { BEARER_SCHEME, SESSION_SCHEME } from './auth/decorators/authenticated.decorator';
import { DEFAULT_SESSION_COOKIE } from './auth/auth.options';

export function buildOpenApiDocument(app: INestApplication, sessionCookieName = DEFAULT_SESSION_COOKIE): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('FalkorDB Personal Access Tokens')
    .setDescription(
      'Long-lived, revocable JWT credentials for FalkorDB users. Generate a token with your FalkorDB credentials ' +
        '(POST /api/auth/tokens/credentials), then send it as `Authorization: Bearer <token>`. ' +
        'Errors are RFC 9457 problem details (application/problem+json).',
    )
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative: the document is served by the service itself, wherever it runs.
    .addServer('/', 'This service')
    .addTag('Auth', 'Browser-style sessions: log in with FalkorDB credentials, log out')
    .addTag('Tokens', 'Generate, list, get and revoke Personal Access Tokens')
    .addTag('Graph', "Run FalkorDB work as the credential's own FalkorDB user")
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Personal Access Token' }, BEARER_SCHEME)
    .addCookieAuth(sessionCookieName, { type: 'apiKey', in: 'cookie', description: 'Browser session (POST /api/auth/login)' }, SESSION_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  markPublicOperations(document);
  useProblemMediaType(document);
  documentErrorHeaders(document);
  return document;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((item: PathItemObject) =>
    HTTP_METHODS.map((method) => item[method]).filter((operation): operation is OperationObject => Boolean(operation)),
  );
}

/**
 * An operation without `@Authenticated()` (login, minting with credentials) takes no credential:
 * say so with an explicit empty `security` list, as OpenAPI linters and SDK generators expect.
 */
function markPublicOperations(document: OpenAPIObject): void {
  for (const operation of operationsOf(document)) {
    if (!operation.security) operation.security = [];
  }
}

/** Error bodies are sent as `application/problem+json` (RFC 9457): document them with that media type. */
function useProblemMediaType(document: OpenAPIObject): void {
  for (const operation of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      const content = (response as ResponseObject).content;
      if (Number(status) < 400 || !content?.['application/json']) continue;
      content[PROBLEM_CONTENT_TYPE] = content['application/json'];
      delete content['application/json'];
    }
  }
}

type ResponseHeaders = NonNullable<ResponseObject['headers']>;

const ERROR_HEADERS: Record<string, ResponseHeaders> = {
  '401': {
    'WWW-Authenticate': {
      description: 'RFC 6750 challenge: `Bearer realm="falkordb"`, with `error="invalid_token"` when a token was sent but refused',
      schema: { type: 'string' },
    },
  },
  '429': { 'Retry-After': { description: 'Seconds until another attempt may succeed', schema: { type: 'integer' } } },
  '503': { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
};

/** The headers the ProblemDetailsFilter sends with these statuses, on every operation that documents them. */
function documentErrorHeaders(document: OpenAPIObject): void {
  for (const operation of operationsOf(document)) {
    for (const [status, headers] of Object.entries(ERROR_HEADERS)) {
      const response = operation.responses[status] as ResponseObject | undefined;
      if (response) response.headers = { ...response.headers, ...headers };
    }
  }
}

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json. */
export function setupSwagger(app: INestApplication, sessionCookieName?: string): OpenAPIObject {
  const document = buildOpenApiDocument(app, sessionCookieName);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}
