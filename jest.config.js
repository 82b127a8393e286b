/** ESM TypeScript through ts-jest; run with `node --experimental-vm-modules` (npm test does). */
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
  testEnvironment: 'node',
  // Never crawl the stack's runtime folder (etcd keeps *.snap files that jest would take for snapshots).
  roots: ['<rootDir>/test', '<rootDir>/src'],
  setupFilesAfterEnv: ['<rootDir>/test/setup-env.ts'],
};

export default {
  testTimeout: 120_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'action', testMatch: ['<rootDir>/test/action/**/*.test.ts'] },
    { ...common, displayName: 'stack', testMatch: ['<rootDir>/test/stack/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
