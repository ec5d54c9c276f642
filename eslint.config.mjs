// Strict TypeScript linting, plus the rule of the Temporal samples that keeps workflow code deterministic.
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', 'coverage/', '.temporal/', '.schemathesis/', 'packages/*/dist/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs'] } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
    },
  },
  {
    // Workflow code is replayed: no Node built-ins, no I/O libraries, no heavy schemas; activities by type only.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'axios', 'zod', 'pino', 'fastify'],
          patterns: [
            {
              group: ['**/activities', '**/activities/*'],
              allowTypeImports: true,
              message: 'import activities as types only',
            },
            {
              group: ['**/zoom/client', '**/config', '**/gateway/*', '**/tools/**'],
              message: 'workflow code must not do I/O',
            },
          ],
        },
      ],
    },
  },
  {
    // The product ships src/ alone: the sandbox, the dev world and the test server stay out of it.
    files: ['src/**/*.ts'],
    ignores: ['src/workflows/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['@temporalio/testing', 'tsx'],
          patterns: [{ group: ['**/tools/**', '**/test/**'], message: 'src/ must not depend on dev tools' }],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    // Jest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any`.
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
