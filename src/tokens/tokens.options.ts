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

export function tokenPolicyOf(options: TokensModuleOptions): TokenPolicy {
  const policy = {
    maxTtlSeconds: options.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS,
    allowNeverExpiring: options.allowNeverExpiring ?? true,
    maxActiveTokensPerUser: options.maxActiveTokensPerUser ?? DEFAULT_MAX_ACTIVE_TOKENS_PER_USER,
  };
  const problems: string[] = [];
  if (!Number.isInteger(policy.maxTtlSeconds) || policy.maxTtlSeconds <= 0) problems.push('maxTtlSeconds must be a positive integer');
  if (!Number.isInteger(policy.maxActiveTokensPerUser) || policy.maxActiveTokensPerUser <= 0) {
    problems.push('maxActiveTokensPerUser must be a positive integer');
  }
  if (problems.length) throw new Error(`Invalid TokensModule options: ${problems.join('; ')}`);
  return policy;
}
