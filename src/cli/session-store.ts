import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A signed-in session for one service, as `login` stored it. */
export interface StoredSession {
  /** The session cookie (`name=value`), sent back as it came. */
  cookie: string;
  username: string;
  role: string;
  /** ISO 8601: when the session ends. */
  expiresAt: string;
}

/**
 * Sessions by service URL in `<configDir>/sessions.json`: the folder mode 0700, the file 0600
 * (a session acts as its user), written whole to a temporary file and renamed over the old one.
 */
export class SessionStore {
  constructor(private readonly configDir: string) {}

  private get file(): string {
    return join(this.configDir, 'sessions.json');
  }

  async get(url: string): Promise<StoredSession | undefined> {
    return (await this.readAll())[url];
  }

  async put(url: string, session: StoredSession): Promise<void> {
    const all = await this.readAll();
    all[url] = session;
    await this.writeAll(all);
  }

  /** True when a session was stored for `url`. */
  async remove(url: string): Promise<boolean> {
    const all = await this.readAll();
    if (!(url in all)) return false;
    delete all[url];
    if (Object.keys(all).length) await this.writeAll(all);
    else await rm(this.file, { force: true });
    return true;
  }

  private async readAll(): Promise<Record<string, StoredSession>> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Record<string, StoredSession>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`${this.file} cannot be read (${(error as Error).message}): delete it and log in again`);
    }
  }

  private async writeAll(all: Record<string, StoredSession>): Promise<void> {
    await mkdir(this.configDir, { recursive: true, mode: 0o700 });
    await chmod(this.configDir, 0o700);
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
