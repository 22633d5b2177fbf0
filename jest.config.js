/**
 * Three tiers. unit: next to the source, no FalkorDB (`npm run test:unit` runs anywhere).
 * integration: next to the source (`*.integration.spec.ts`), each starts a real FalkorDB.
 * e2e: test/, the whole service (or a host app, or the packed library) over HTTP on real FalkorDB.
 */
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '(?<!\\.integration)\\.spec\\.ts$' },
    { ...common, displayName: 'integration', rootDir: 'src', testRegex: '\\.integration\\.spec\\.ts$' },
    { ...common, displayName: 'e2e', rootDir: 'test', testRegex: '.*\\.e2e-spec\\.ts$' },
  ],
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/plain-summary-reporter.js'],
};
