import { ConsoleLogger, Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { BufferedJsonAccessLog } from './http/access-log';
import { loadAppConfig } from './config/app-config';
import { installGracefulShutdown } from './shutdown/graceful-shutdown';
import { RequestDrain } from './shutdown/request-drain';
import { errorMessage } from './common/error-message';

async function bootstrap(): Promise<void> {
  const config = await loadAppConfig(process.env);
  const drain = new RequestDrain();
  // One JSON object per line, for log shippers.
  // Request lines in the same JSON shape, written once per event-loop turn rather than once per request.
  const app = await createApp(config, { logger: new ConsoleLogger({ json: true }), drain, accessLog: new BufferedJsonAccessLog(process.stdout) });
  await app.listen(config.port, config.host);
  // Not app.enableShutdownHooks(): that closes HTTP at once. This drains first, then closes HTTP,
  // then FalkorDB (Nest's shutdown hooks), and exits 0.
  installGracefulShutdown({ app, server: app.getHttpServer(), drain, graceMs: config.shutdownGraceMs });
  Logger.log(`FalkorDB PAT service on ${await app.getUrl()} (listening on ${config.host}; docs at /docs)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  // Startup errors (bad config, no FalkorDB server binary) are for humans: print the message, exit non-zero.
  const message = errorMessage(error);
  console.error(`\nStartup failed: ${message}\n`);
  process.exit(1);
});
