import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A file being written beside its destination, renamed over it when complete. */
export class PendingFile {
  private constructor(
    private readonly temporary: string,
    private readonly destination: string,
  ) {}

  /**
   * Creates the temporary file now (so a destination that cannot be written is known before
   * anything irreversible happens): an unpredictable name, created exclusively (never an existing
   * file or a symlink someone planted), mode 0600.
   */
  static async create(destination: string): Promise<PendingFile> {
    const temporary = join(dirname(destination), `.${basename(destination)}.${randomBytes(8).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx', 0o600);
    await handle.close();
    return new PendingFile(temporary, destination);
  }

  /** Writes `text`, flushes it to disk, and renames it over the destination: readers see the old content or the new, never half. */
  async commit(text: string): Promise<void> {
    try {
      const handle = await open(this.temporary, 'r+');
      try {
        await handle.truncate(0);
        await handle.write(text, 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(this.temporary, this.destination);
    } catch (error) {
      await this.discard();
      throw error;
    }
  }

  async discard(): Promise<void> {
    await rm(this.temporary, { force: true }).catch(() => undefined);
  }
}
