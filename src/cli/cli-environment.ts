import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the CLI reads from its environment: the one place it does. */
export interface CliEnvironment {
  /** FALKORDB_PAT_URL: the service, when `--url` is not given. */
  url?: string;
  /** FALKORDB_PAT_TOKEN: a PAT to act with, instead of a stored session. */
  token?: string;
  /** Where sessions are kept: `$XDG_CONFIG_HOME/falkordb-pat` (default `~/.config/falkordb-pat`). */
  configDir: string;
}

export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const configHome = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.config');
  return {
    url: env.FALKORDB_PAT_URL?.trim() || undefined,
    token: env.FALKORDB_PAT_TOKEN?.trim() || undefined,
    configDir: join(configHome, 'falkordb-pat'),
  };
}
