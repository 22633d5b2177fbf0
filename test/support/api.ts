import { assertScannable } from './secret-scanning-pattern';
import request from 'supertest';
import { TestApp } from './test-app';

export interface Credentials {
  username: string;
  password: string;
}

export interface CreatedToken {
  token: string;
  tokenId: string;
  expiresAt: string | null;
}

/** Mints a PAT with credentials against the test server (expects 201). */
export async function mintToken(
  app: TestApp,
  user: Credentials,
  port: number,
  extra: Record<string, unknown> = {},
): Promise<CreatedToken> {
  const response = await request(app.http)
    .post('/api/auth/tokens/credentials')
    .send({ username: user.username, password: user.password, host: 'localhost', port: String(port), name: 'test token', ...extra })
    .expect(201);
  const created = response.body as CreatedToken;
  // Every PAT the suites mint this way is one secret scanners recognise (docs/secret-scanning.md).
  assertScannable(created.token);
  return created;
}

/** Logs in and returns the session cookie pair (`name=value`). */
export async function logIn(app: TestApp, user: Credentials, port: number): Promise<string> {
  const response = await request(app.http)
    .post('/api/auth/login')
    .send({ username: user.username, password: user.password, host: 'localhost', port })
    .expect(200);
  const setCookie = response.headers['set-cookie'] as unknown as string[] | string;
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return first.split(';')[0];
}

export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

/** Headers of a same-origin browser request (cookie-authenticated writes need them: CSRF check). */
export const SAME_ORIGIN: Record<string, string> = { Host: 'pat.test', Origin: 'http://pat.test' };
