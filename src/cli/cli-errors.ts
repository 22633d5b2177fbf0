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
    const hint = status === 401 ? '\n(signed out or the token is no longer valid: run `falkordb-pat login`, or check FALKORDB_PAT_TOKEN)' : '';
    // Control characters from the service never reach the terminal (see output.ts printable()).
     
    const text = `${status}${code}: ${problem?.detail ?? problem?.title ?? 'the service refused the request'}${fields.join('')}`.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '?');
    super(`${text}${hint}`);
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

/** A token was made but writing it to `--write-to` failed (exit 1); it was shown on standard error instead. */
export class TokenNotSavedError extends Error {
  constructor(tokenId: string) {
    super(`Token ${tokenId} was created but not saved: store the token printed above now`);
    this.name = 'TokenNotSavedError';
  }
}

/** The user interrupted (Ctrl-C at a prompt): exit 130, as a shell reports SIGINT. */
export class InterruptedError extends Error {
  constructor() {
    super('Interrupted');
    this.name = 'InterruptedError';
  }
}
