/** Jest projects: unit tests beside the code, HTTP tests through supertest, contract tests from the docs. */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/server/src/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts', '<rootDir>/contract-tests/src/**/*.test.ts'] },
    { ...common, displayName: 'http', testMatch: ['<rootDir>/server/test/**/*.test.ts'] },
    { ...common, displayName: 'contract', testMatch: ['<rootDir>/contract-tests/*.test.ts'] },
  ],
};
