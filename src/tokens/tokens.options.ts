export interface TokensModuleOptions {
  /** Longest lifetime a token may be given (ttlSeconds or expiresAt). Default 365 days. */
  maxTtlSeconds?: number;
  /** Whether a token may be created without expiry. Default true. */
  allowNeverExpiring?: boolean;
  /** Most active tokens one user may hold on one server. Default 100. */
  maxActiveTokensPerUser?: number;
}

export const DEFAULT_MAX_TTL_SECONDS = 365 * 24 * 3600;
export const DEFAULT_MAX_ACTIVE_TOKENS_PER_USER = 100;

export interface TokenPolicy {
  maxTtlSeconds: number;
  allowNeverExpiring: boolean;
  maxActiveTokensPerUser: number;
}

/** Longest lifetime the policy may allow: beyond it dates stop being meaningful. */
export const LONGEST_MAX_TTL_SECONDS = 100 * 365 * 24 * 3600;
export const MOST_ACTIVE_TOKENS_PER_USER = 1_000_000;

function policyOf(options: TokensModuleOptions): TokenPolicy {
  return {
    maxTtlSeconds: options.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS,
    allowNeverExpiring: options.allowNeverExpiring ?? true,
    maxActiveTokensPerUser: options.maxActiveTokensPerUser ?? DEFAULT_MAX_ACTIVE_TOKENS_PER_USER,
  };
}

/** Every problem with the options, each starting with the option's name. */
export function tokensOptionProblems(options: TokensModuleOptions): string[] {
  const policy = policyOf(options);
  const problems: string[] = [];
  const inRange = (value: number, max: number) => Number.isInteger(value) && value >= 1 && value <= max;
  if (!inRange(policy.maxTtlSeconds, LONGEST_MAX_TTL_SECONDS)) problems.push(`maxTtlSeconds must be an integer from 1 to ${LONGEST_MAX_TTL_SECONDS}`);
  if (!inRange(policy.maxActiveTokensPerUser, MOST_ACTIVE_TOKENS_PER_USER)) {
    problems.push(`maxActiveTokensPerUser must be an integer from 1 to ${MOST_ACTIVE_TOKENS_PER_USER}`);
  }
  if (typeof policy.allowNeverExpiring !== 'boolean') problems.push('allowNeverExpiring must be true or false');
  return problems;
}

/** The policy with defaults filled in; throws one error naming every invalid option. */
export function tokenPolicyOf(options: TokensModuleOptions): TokenPolicy {
  const problems = tokensOptionProblems(options);
  if (problems.length) throw new Error(`Invalid TokensModule options: ${problems.join('; ')}`);
  return policyOf(options);
}
