import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DevSecrets {
  jwtSecret: string;
  sessionSecret: string;
  encryptionKey: string;
}

function isDevSecrets(value: unknown): value is DevSecrets {
  const candidate = value as Partial<DevSecrets> | null;
  return (
    typeof candidate?.jwtSecret === 'string' &&
    typeof candidate.sessionSecret === 'string' &&
    typeof candidate.encryptionKey === 'string'
  );
}

/**
 * Development only: secrets generated on first start and kept beside the data (mode 0600), so the
 * Quick start needs no editing and tokens stay valid across restarts.
 */
export async function loadOrCreateDevSecrets(path: string): Promise<DevSecrets> {
  try {
    const stored: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (isDevSecrets(stored)) return stored;
    throw new Error(`${path} is not a secrets file; delete it to generate new secrets`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets: DevSecrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    sessionSecret: randomBytes(48).toString('base64url'),
    encryptionKey: randomBytes(32).toString('hex'),
  };
  await mkdir(dirname(path), { recursive: true });
  // 'wx': never overwrite secrets another process just wrote.
  try {
    await writeFile(path, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const written: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!isDevSecrets(written)) throw new Error(`${path} is not a secrets file`);
  return written;
}
