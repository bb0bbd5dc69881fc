// Tests run TypeScript through swc (decorator metadata on), aliases mapped to library sources.
const { compilerOptions } = require('./tsconfig.json');

/** The path aliases as tsconfig.json declares them (the one place they are written). */
const aliases = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target}`,
  ]),
);
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const shared = {
  transform: { '^.+\\.ts$': swc, '^.+\\.js$': swc },
  // ESM-only dependencies (loaded natively by Node 20's require, not by Jest) are compiled too.
  transformIgnorePatterns: ['^(?!.*/node_modules/(content-disposition|jose)/).*/node_modules/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    ...aliases,
    // A Nest module (or the OpenAPI set-up) loaded on demand is imported by its built name
    // (`import('./x.module.js')`, as Node resolves import()); the tests run its TypeScript source.
    '^(\\.{1,2}/.+\\.module|\\./swagger)\\.js$': '$1',
  },
  testEnvironment: 'node',
};
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      // Deletes the Redis keys of the services a file started (test/support/processes.ts).
      setupFilesAfterEnv: ['<rootDir>/test/support/remove-service-keys.ts'],
    },
  ],
};
