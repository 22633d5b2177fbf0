import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { applyPatOpenApi } from './openapi/apply-pat-openapi';

/** The package's own version (dist/ and src/ both sit one level below package.json): what the API document says it is. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The standalone service's document: our routes, described by applyPatOpenApi like a host's would be. */
export function buildOpenApiDocument(app: INestApplication, sessionCookieName?: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('FalkorDB Personal Access Tokens')
    .setDescription(
      'Long-lived, revocable JWT credentials for FalkorDB users. Generate a token with your FalkorDB credentials ' +
        '(POST /api/auth/tokens/credentials), then send it as `Authorization: Bearer <token>`. ' +
        'Errors are RFC 9457 problem details (application/problem+json).',
    )
    .setVersion(packageVersion())
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative: the document is served by the service itself, wherever it runs.
    .addServer('/', 'This service')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  return applyPatOpenApi(document, { sessionCookieName });
}

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json. */
export function setupSwagger(app: INestApplication, sessionCookieName?: string): OpenAPIObject {
  const document = buildOpenApiDocument(app, sessionCookieName);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}
