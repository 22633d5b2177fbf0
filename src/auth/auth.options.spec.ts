import { AuthModuleOptions, validateAuthOptions } from './auth.options';

const VALID: AuthModuleOptions = {
  jwtSecret: 'unit-jwt-secret-Qm9tR2xkY1ZxWjNrTnBvSg',
  sessionSecret: 'unit-session-secret-a2V5VmFsdWVGb3JUZXN0',
  encryptionKey: 'c0'.repeat(32),
};

function messageOf(options: AuthModuleOptions): string {
  try {
    validateAuthOptions(options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('validateAuthOptions accepted invalid options');
}

describe('validateAuthOptions', () => {
  it('accepts valid options, with or without the optional ones', () => {
    expect(() => validateAuthOptions(VALID)).not.toThrow();
    expect(() =>
      validateAuthOptions({ ...VALID, sessionTtlSeconds: 60, sessionCookieName: 'my_session-1', secureCookies: true, issuer: 'me' }),
    ).not.toThrow();
  });

  it('rejects short secrets', () => {
    expect(messageOf({ ...VALID, jwtSecret: 'short' })).toBe('Invalid AuthModule options: jwtSecret must be at least 32 characters');
    expect(messageOf({ ...VALID, sessionSecret: 'a'.repeat(31) })).toBe(
      'Invalid AuthModule options: sessionSecret must be at least 32 characters',
    );
  });

  it('rejects secrets that are not strings (e.g. an unset environment variable)', () => {
    const options = { ...VALID, jwtSecret: undefined } as unknown as AuthModuleOptions;
    expect(messageOf(options)).toContain('jwtSecret must be at least 32 characters');
  });

  it('rejects the same secret for PATs and sessions', () => {
    expect(messageOf({ ...VALID, sessionSecret: VALID.jwtSecret })).toContain('sessionSecret must differ from jwtSecret');
  });

  it.each(['', 'ab'.repeat(31), 'xy'.repeat(32)])('rejects the encryption key "%s"', (encryptionKey) => {
    expect(messageOf({ ...VALID, encryptionKey })).toBe('Invalid AuthModule options: encryptionKey must be 64 hex characters (32 bytes)');
  });

  it.each([0, 59, 1.5, Number.NaN, 30 * 24 * 3600 + 1])('rejects sessionTtlSeconds %p', (sessionTtlSeconds) => {
    expect(messageOf({ ...VALID, sessionTtlSeconds })).toContain('sessionTtlSeconds must be an integer from 60 to 2592000');
  });

  it.each(['', 'has space', 'semi;colon', 'eq=uals', 'c'.repeat(65)])('rejects the cookie name "%s"', (sessionCookieName) => {
    expect(messageOf({ ...VALID, sessionCookieName })).toContain('sessionCookieName must be 1..64 of [A-Za-z0-9_-]');
  });

  it('accepts sharedState falkordb and instance, and nothing else', () => {
    expect(() => validateAuthOptions({ ...VALID, sharedState: 'falkordb' })).not.toThrow();
    expect(() => validateAuthOptions({ ...VALID, sharedState: 'instance' })).not.toThrow();
    const options = { ...VALID, sharedState: 'memory' } as unknown as AuthModuleOptions;
    expect(messageOf(options)).toBe('Invalid AuthModule options: sharedState must be one of falkordb, instance');
  });

  it('lists every problem in one error', () => {
    const message = messageOf({ jwtSecret: 'a', sessionSecret: 'a', encryptionKey: 'b', sessionTtlSeconds: 0, sessionCookieName: '' });
    expect(message.replace('Invalid AuthModule options: ', '').split('; ')).toEqual([
      'jwtSecret must be at least 32 characters',
      'sessionSecret must be at least 32 characters',
      'sessionSecret must differ from jwtSecret',
      'encryptionKey must be 64 hex characters (32 bytes)',
      'sessionTtlSeconds must be an integer from 60 to 2592000',
      'sessionCookieName must be 1..64 of [A-Za-z0-9_-]',
    ]);
  });
});
