import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { BufferedJsonAccessLog, SilentAccessLog } from './http/access-log';
import { PrettyAccessLog } from './http/pretty-access-log';
import { levelsUpTo, ServiceLogger } from './logging/service-logger';
import { loadAppConfig } from './config/app-config';
import { installGracefulShutdown } from './shutdown/graceful-shutdown';
import { RequestDrain } from './shutdown/request-drain';
import { errorMessage } from './common/error-message';

async function bootstrap(): Promise<void> {
  const config = await loadAppConfig(process.env);
  const drain = new RequestDrain();
  const logger = new ServiceLogger(config.logs.format, config.logs.level);
  // JSON: request lines in Nest's JSON shape, written once per event-loop turn rather than once per
  // request. Pretty: one readable line per request. Request lines are `log` level.
  const requestLines = levelsUpTo(config.logs.level).includes('log');
  const accessLog = !requestLines ? new SilentAccessLog() : config.logs.format === 'json' ? new BufferedJsonAccessLog(process.stdout) : new PrettyAccessLog(process.stdout);
  const app = await createApp(config, { logger, drain, accessLog });
  await app.listen(config.port, config.host);
  // Not app.enableShutdownHooks(): that closes HTTP at once. This drains first, then closes HTTP,
  // then FalkorDB (Nest's shutdown hooks), and exits 0.
  installGracefulShutdown({ app, server: app.getHttpServer(), drain, graceMs: config.shutdownGraceMs });
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  const metricsHost = config.metrics?.host.includes(':') ? `[${config.metrics.host}]` : config.metrics?.host;
  const metrics = config.metrics ? `, metrics on http://${metricsHost}:${config.metrics.port}/metrics` : '';
  Logger.log(`FalkorDB PAT service on ${url}: settings page ${url}/settings/tokens, API docs ${url}/docs${metrics} (listening on ${config.host})`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  // Startup errors (bad config, no FalkorDB server binary) are for humans: print the message, exit non-zero.
  const message = errorMessage(error);
  console.error(`\nStartup failed: ${message}\n`);
  process.exit(1);
});
