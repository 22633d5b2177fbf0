/** Where and how the built-in "Settings › Personal Access Tokens" page is served. */
export interface SettingsPageOptions {
  /** Path of the page (under the host's global prefix, if any). Default `settings/tokens`. */
  path?: string;
  /** Also answer `GET /` with a redirect to the page (the standalone service does). Default false. */
  redirectRoot?: boolean;
}

export const DEFAULT_SETTINGS_PAGE_PATH = 'settings/tokens';

/** One path segment: letters, digits and `-._~` (no `..`, no parameters, no wildcards). */
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._~-]+$/;

/** The options with defaults filled in (`undefined` = no page); throws one error naming each problem. */
export function resolveSettingsPageOptions(option: boolean | SettingsPageOptions | undefined): Required<SettingsPageOptions> | undefined {
  if (!option) return undefined;
  const given = option === true ? {} : option;
  const path = (given.path ?? DEFAULT_SETTINGS_PAGE_PATH).trim().replace(/^\/+|\/+$/g, '');
  const problems: string[] = [];
  if (!path || !path.split('/').every((segment) => SEGMENT.test(segment))) {
    problems.push(`settingsPage.path must be one or more segments of letters, digits and -._~ separated by / (got "${given.path}")`);
  }
  if (given.redirectRoot !== undefined && typeof given.redirectRoot !== 'boolean') problems.push('settingsPage.redirectRoot must be true or false');
  if (problems.length) throw new Error(`Invalid FalkorDbPatModule options: ${problems.join('; ')}`);
  return { path, redirectRoot: given.redirectRoot ?? false };
}
