/** The process environment as the config layer reads it, and readers of one typed setting each. */
export type Environment = Record<string, string | undefined>;

/** An integer setting; its range is the module validator's business (PORT excepted: it is ours). */
export function readInteger(env: Environment, name: string, problems: string[]): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name} must be an integer (got "${env[name]}")`);
    return undefined;
  }
  return Number(raw);
}

export function readBoolean(env: Environment, name: string, problems: string[]): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  problems.push(`${name} must be true or false (got "${env[name]}")`);
  return undefined;
}
