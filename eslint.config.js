import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import libLayers from './eslint-rules/lib-layers.js';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'coverage/', '.stack/', 'stack/**/go/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Lib code never prints directly: it takes a Logger port.
      'no-console': 'off',
    },
  },
  {
    // Tests poke at loosely typed JSON (recorded requests, API objects).
    files: ['test/**/*.ts', 'bench/**/*.{ts,mjs}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // @actions/* only in the runner adapter (src/runner) and the GitHub client (src/lib/github).
    files: ['src/**/*.ts'],
    ignores: ['src/runner/**', 'src/lib/github/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@actions/*'],
              message:
                'Only src/runner (the runner adapter) and src/lib/github use @actions/*: take a Logger, an ActionContext or an Exec port instead.',
            },
          ],
        },
      ],
    },
  },
  {
    // No import cycles between src/lib folders: each imports only the folders below it.
    files: ['src/lib/**/*.ts'],
    plugins: { phlo: { rules: { 'lib-layers': libLayers } } },
    rules: { 'phlo/lib-layers': 'error' },
  },
);
