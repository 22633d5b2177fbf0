import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoggerService } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { Environment, loadAppConfig } from '../../src/config/app-config';

/** Names the tests address the service by (supertest uses 127.0.0.1; CSRF tests a same-site name). */
const TEST_ALLOWED_HOSTS = 'localhost,127.0.0.1,::1,pat.test';

export const TEST_SECRETS = {
  JWT_SECRET: 'test-jwt-secret-0123456789abcdefghijklmnop',
  SESSION_SECRET: 'test-session-secret-0123456789abcdefghijkl',
  ENCRYPTION_KEY: '4f'.repeat(32),
};

export interface TestApp {
  app: NestFastifyApplication;
  /** For supertest: `request(testApp.http)`. */
  http: ReturnType<NestFastifyApplication['getHttpServer']>;
  dataDir: string;
  close(): Promise<void>;
}

/** The standalone Fastify service, configured exactly as main.ts does, from an environment. */
export async function startTestApp(env: Environment, dataDir?: string, logger: LoggerService | false = false): Promise<TestApp> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'pat-app-')));
  const config = await loadAppConfig({ ...TEST_SECRETS, ALLOWED_HOSTS: TEST_ALLOWED_HOSTS, FALKORDB_DATA_DIR: dir, METRICS_PORT: '0', ...env });
  const app = await createApp(config, { logger });
  return {
    app,
    http: app.getHttpServer(),
    dataDir: dir,
    close: async () => {
      await app.close();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
