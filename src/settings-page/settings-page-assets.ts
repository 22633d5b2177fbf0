import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/**
 * Where `npm run build` (scripts/build-settings-page.mjs) writes the page: `dist/settings-page/public`
 * of the package. Resolved from this file's folder, which is `dist/settings-page` when running the
 * build (or the installed package) and `src/settings-page` when running the sources (tests, ts-node).
 */
export const SETTINGS_PAGE_ASSETS_DIR = resolve(__dirname, '..', '..', 'dist', 'settings-page', 'public');

/** The page's HTML template: the build writes it, the server fills in its configuration per request. */
export const INDEX_TEMPLATE = 'index.html';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Built file names carry a content hash (`app-3F2KXQ7A.js`): they may be cached for good. */
const HASHED_NAME = /-[A-Z0-9]{8}\.[a-z]+$/;

export interface SettingsPageAsset {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** The built page, read once at startup and served from memory. */
export class SettingsPageAssets {
  readonly template?: string;
  private readonly files = new Map<string, SettingsPageAsset>();

  constructor(readonly dir: string = SETTINGS_PAGE_ASSETS_DIR) {
    if (!existsSync(join(dir, INDEX_TEMPLATE))) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const contentType = CONTENT_TYPES[extname(entry.name)];
      if (!entry.isFile() || !contentType) continue;
      const body = readFileSync(join(dir, entry.name));
      if (entry.name === INDEX_TEMPLATE) {
        this.template = body.toString('utf8');
        continue;
      }
      this.files.set(entry.name, {
        body,
        contentType,
        cacheControl: HASHED_NAME.test(entry.name) ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
      });
    }
  }

  /** Whether the page was built (its template found). */
  get built(): boolean {
    return this.template !== undefined;
  }

  /** A built file by its exact name (never a path: names are looked up, not resolved). */
  get(name: string): SettingsPageAsset | undefined {
    return this.files.get(name);
  }
}
