import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
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
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Personal Access Token' }, BEARER_SCHEME)
    .addCookieAuth(sessionCookieName, { type: 'apiKey', in: 'cookie', description: 'Browser session (POST /api/auth/login)' }, SESSION_SCHEME)
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
}

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json. */
export function setupSwagger(app: INestApplication, sessionCookieName?: string): OpenAPIObject {
  const document = buildOpenApiDocument(app, sessionCookieName);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}
