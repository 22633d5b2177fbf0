import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../src/app.module';
import { loadAppConfig } from '../src/config/app-config';
import { buildOpenApiDocument } from '../src/swagger';

/** The committed OpenAPI document, the source for generated SDKs. */
export const OPENAPI_FILE = join(__dirname, '..', 'openapi.json');

/**
 * Configuration that only shapes the module graph: the document does not depend on secrets or on
 * where FalkorDB is, and no connection is ever opened (see below). With every secret given,
 * loadAppConfig writes nothing to disk.
 */
const DOCUMENT_ENV = {
  NODE_ENV: 'development',
  FALKORDB_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'openapi-document-only-jwt-secret-0123456789',
  SESSION_SECRET: 'openapi-document-only-session-secret-01234',
  ENCRYPTION_KEY: '5a'.repeat(32),
};

/**
 * Builds the OpenAPI document from the real modules, exactly as the running service serves it at
 * /docs-json, without FalkorDB: the application is created but never initialised, so providers
 * are constructed (and options validated) but no lifecycle hook runs and nothing connects.
 * (`preview: true` is not usable: it skips RouterModule, so every route would lose its prefix.)
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const config = await loadAppConfig(DOCUMENT_ENV);
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), { logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** Top-level keys in the order people expect to read them; everything below is sorted by key. */
const TOP_LEVEL_ORDER = ['openapi', 'info', 'servers', 'tags', 'security', 'paths', 'components'];

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  );
}

/** Stable text: sorted keys (so decorator or module order never shows up as a diff), 2-space indent, trailing newline. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  const sorted = sortKeys(JSON.parse(JSON.stringify(document))) as Record<string, unknown>;
  const rank = (key: string) => (TOP_LEVEL_ORDER.includes(key) ? TOP_LEVEL_ORDER.indexOf(key) : TOP_LEVEL_ORDER.length);
  const ordered = Object.fromEntries(Object.keys(sorted).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((key) => [key, sorted[key]]));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
