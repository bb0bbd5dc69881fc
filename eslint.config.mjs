// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import security from 'eslint-plugin-security';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/**
 * The only modules allowed to start child processes: the MCP stdio upstream launcher, and the
 * CLI's `git diff` (the CLI runs on a developer's or CI's machine, never in the service).
 */
export const CHILD_PROCESS_ALLOWED = [
  'libs/mcp-proxy/src/upstream/stdio-launcher.ts',
  'apps/cli/src/analyze/git-diff.ts',
];

const forbiddenModules = [
  {
    name: 'child_process',
    message: "Child processes are confined to the MCP stdio launcher and the CLI's git diff.",
  },
  {
    name: 'node:child_process',
    message: "Child processes are confined to the MCP stdio launcher and the CLI's git diff.",
  },
  { name: 'vm', message: 'Nothing received is ever executed (S0).' },
  { name: 'node:vm', message: 'Nothing received is ever executed (S0).' },
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      'test/fixtures/**',
      'bench/results/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  security.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-imports': ['error', { paths: forbiddenModules }],
      'no-restricted-properties': [
        'error',
        { object: 'require', property: 'cache', message: 'The module cache is never touched.' },
        { object: 'process', property: 'binding', message: 'No native bindings.' },
        { object: 'process', property: 'dlopen', message: 'No native loading.' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Our own object lookups are keyed by validated names; the rule reports nearly every Map-like access.
      'security/detect-object-injection': 'off',
      // Paths come from configuration or test fixtures, never from requests.
      'security/detect-non-literal-fs-filename': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@nestjs/swagger',
              message:
                'OpenAPI decorators come from @techsapo/core: recorded where written, applied only where a document is built (a worker never loads Swagger).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // Swagger is loaded only by the recorded decorators' own module and /docs's set-up;
    // tooling, tests and benchmarks run outside the service.
    files: [
      'libs/core/src/http/openapi-decorators.ts',
      'apps/api/src/bootstrap/swagger.ts',
      'scripts/**',
      'test/**',
      'bench/**',
      '**/*.spec.ts',
    ],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: CHILD_PROCESS_ALLOWED,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: forbiddenModules.filter((m) => !m.name.endsWith('child_process')) },
      ],
    },
  },
  {
    // Tooling, tests and benchmarks run outside the service and may start processes.
    files: ['scripts/**', 'test/**', 'bench/**', '**/*.spec.ts', '*.js', '*.mjs'],
    rules: {
      'no-restricted-imports': 'off',
      'security/detect-child-process': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  prettier,
);
