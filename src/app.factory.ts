import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { HttpAdapterHost } from '@nestjs/core';
import { AppModule } from './app.module';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { AppConfig } from './config/app-config';
import { setupSwagger } from './swagger';

/** Builds the standalone Fastify application (used by main.ts and the end-to-end tests). */
export async function createApp(config: AppConfig, options: { logger?: false } = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: 64 * 1024 }),
    { logger: options.logger, bufferLogs: false },
  );
  // Errors outside our controllers (unknown routes, body parsing) get problem details too.
  app.useGlobalFilters(new ProblemDetailsFilter(app.get(HttpAdapterHost)));
  setupSwagger(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
