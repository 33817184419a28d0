import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Everything outside main/app runs without Electron (DESIGN.md: only main/app imports electron).
    files: ['main/**/*.ts', 'contract/**/*.ts', 'tests/**/*.ts'],
    ignores: ['main/app/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/app/ may import electron.' }] }],
    },
  },
  {
    // The renderer is sandboxed web content: no Node, no Electron, and the core only through
    // contract/ and the API. (.vue files are type-checked by vue-tsc; ESLint has no Vue parser here.)
    files: ['renderer/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only main/app/ may import electron.' }],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser sandbox: no Node built-ins.' },
            { group: ['**/main/**'], message: 'The renderer reaches the core only through contract/ and the API.' },
          ],
        },
      ],
    },
  },
  {
    // Scripts injected into the page by the browser benchmarks and tests.
    files: ['tests/**/page-*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', performance: 'readonly', requestAnimationFrame: 'readonly', PerformanceObserver: 'readonly', MouseEvent: 'readonly' },
    },
  },
  {
    // Plugin code runs in a plugin process (plain Node ESM); a plugin's panel in a sandboxed frame.
    files: ['plugins/**/*.js'],
    ignores: ['plugins/*/panel/**'],
    languageOptions: { globals: { Buffer: 'readonly' } },
  },
  {
    files: ['plugins/*/panel/**/*.js'],
    languageOptions: { globals: { window: 'readonly' } },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
