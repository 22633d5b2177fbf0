import { isIP } from 'node:net';
import { LOG_FORMATS, LOG_LEVELS, LogFormat, LogLevel, LogSettings } from '../logging/log-settings';
import { Environment, readInteger } from './environment';

/* The standalone service's metrics listener and logs, one reader each. */

export const DEFAULT_METRICS_PORT = 9464;

export interface MetricsSettings {
  host: string;
  port: number;
}


/** METRICS_PORT (default 9464; 0 = no metrics) and METRICS_HOST (default 127.0.0.1: not public by accident). */
export function readMetrics(env: Environment, apiPort: number, problems: string[]): MetricsSettings | null {
  const port = readInteger(env, 'METRICS_PORT', problems) ?? DEFAULT_METRICS_PORT;
  if (port > 65535) problems.push(`METRICS_PORT must be an integer from 0 (off) to 65535 (got "${env.METRICS_PORT}")`);
  const host = env.METRICS_HOST?.trim() || '127.0.0.1';
  if (!isIP(host) && host !== 'localhost') problems.push(`METRICS_HOST must be an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0 (got "${env.METRICS_HOST}")`);
  if (port === 0) return null;
  if (port === apiPort) problems.push(`METRICS_PORT must differ from PORT (${port}): metrics never share the API's listener`);
  return { host, port };
}

/**
 * LOG_FORMAT (json, or pretty: one readable line per event) and LOG_LEVEL (default log). By
 * default JSON lines in production or when the output is not a terminal, pretty on a terminal.
 */
export function readLogs(env: Environment, production: boolean, terminal: boolean, problems: string[]): LogSettings {
  const rawFormat = env.LOG_FORMAT?.trim().toLowerCase();
  const rawLevel = env.LOG_LEVEL?.trim().toLowerCase();
  let format: LogFormat = production || !terminal ? 'json' : 'pretty';
  if (rawFormat) {
    if ((LOG_FORMATS as readonly string[]).includes(rawFormat)) format = rawFormat as LogFormat;
    else problems.push(`LOG_FORMAT must be json or pretty (got "${env.LOG_FORMAT}")`);
  }
  let level: LogLevel = 'log';
  if (rawLevel) {
    // `info` is what most log pipelines call Nest's `log`.
    const named = rawLevel === 'info' ? 'log' : rawLevel;
    if ((LOG_LEVELS as readonly string[]).includes(named)) level = named as LogLevel;
    else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (or info) (got "${env.LOG_LEVEL}")`);
  }
  return { format, level };
}
