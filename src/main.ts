import { ConsoleLogger, Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadAppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  const config = await loadAppConfig(process.env);
  // One JSON object per line, for log shippers.
  const app = await createApp(config, { logger: new ConsoleLogger({ json: true }) });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  Logger.log(`FalkorDB PAT service on ${await app.getUrl()} (listening on ${config.host}; docs at /docs)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  // Startup errors (bad config, no FalkorDB server binary) are for humans: print the message, exit non-zero.
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  console.error(`\nStartup failed: ${message}\n`);
  process.exit(1);
});
