import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { applyPatOpenApi } from 'falkordb-pat';
import { AppModule } from './app.module.mjs';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  const config = app.get(ConfigService);

  // The host builds its own document; a title and a server are what any host sets (an empty
  // `servers` list is a lint error whatever the library adds). Our schemes and error responses go on top.
  const hostDocument = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('Consumer app').addServer('/').build());
  const document = applyPatOpenApi(hostDocument);
  writeFileSync(config.getOrThrow<string>('OPENAPI_FILE'), JSON.stringify(document, null, 2));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  await app.listen(Number(config.getOrThrow<string>('PORT')), '127.0.0.1');
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
