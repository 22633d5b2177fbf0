/** The command line was wrong (exit 2): unknown command or option, a missing or malformed value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The service answered with a problem (exit 1): its RFC 9457 body, shown to the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; code?: string; errors?: Record<string, string[]> } | undefined,
  ) {
    const code = problem?.code ? ` ${problem.code}` : '';
    const fields = Object.entries(problem?.errors ?? {}).map(([field, messages]) => `\n  ${field}: ${messages.join('; ')}`);
    super(`${status}${code}: ${problem?.detail ?? problem?.title ?? 'the service refused the request'}${fields.join('')}`);
    this.name = 'ApiError';
  }
}

/** Not signed in (exit 1): no stored session for the service and no FALKORDB_PAT_TOKEN. */
export class NotSignedInError extends Error {
  constructor(url: string) {
    super(`Not signed in to ${url}: run \`falkordb-pat login\`, or set FALKORDB_PAT_TOKEN`);
    this.name = 'NotSignedInError';
  }
}
