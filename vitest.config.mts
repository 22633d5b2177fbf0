import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Three tiers. unit: next to the source, no FalkorDB (`npm run test:unit` runs anywhere).
 * integration: next to the source (`*.integration.spec.ts`), each starts a real FalkorDB.
 * e2e: test/, the whole service (or a host app, or the packed library) over HTTP on real FalkorDB.
 * SWC compiles the TypeScript (with decorator metadata, which Nest's injection reads); Nest 12's
 * ESM packages load as they are.
 */
const common = {
  globals: true,
  environment: 'node',
  testTimeout: 60_000,
  hookTimeout: 240_000,
} as const;

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    // One file at a time: the integration and e2e files start FalkorDB servers and services of their own.
    fileParallelism: false,
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    projects: [
      { extends: true, test: { ...common, name: 'unit', include: ['src/**/*.spec.ts'], exclude: ['src/**/*.integration.spec.ts'] } },
      { extends: true, test: { ...common, name: 'integration', include: ['src/**/*.integration.spec.ts'] } },
      { extends: true, test: { ...common, name: 'e2e', include: ['test/**/*.e2e-spec.ts'] } },
    ],
  },
});
