import { ConsoleLogger, LogLevel as NestLogLevel } from '@nestjs/common';
import { LogFormat, LOG_LEVELS, LogLevel } from './log-settings';

/** Nest's start-up chatter (one line per module and per route, "Starting Nest application"), useful only when debugging. */
const STARTUP_DETAIL_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** The levels shown at `level`: itself and every more severe one. */
export function levelsUpTo(level: LogLevel): NestLogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/**
 * The standalone service's logger: JSON lines (production, log shippers) or one readable line per
 * event (a developer's terminal), at LOG_LEVEL. Nest's module and route-mapping lines are debug
 * lines here, so the line that matters (where the service listens) is not buried under ~45 others.
 */
export class ServiceLogger extends ConsoleLogger {
  constructor(format: LogFormat, level: LogLevel) {
    super({ json: format === 'json', colors: format === 'pretty' && process.stdout.isTTY === true, logLevels: levelsUpTo(level) });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (typeof context === 'string' && STARTUP_DETAIL_CONTEXTS.has(context)) {
      super.debug(message, ...rest);
      return;
    }
    super.log(message, ...rest);
  }
}
