import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'tab/dist', 'build', 'data', 'reference', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // CommonJS preload for the Agents Playground (node -r).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The domain stays free of Teams, React and HTTP frameworks.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@microsoft/teams*',
            'react',
            'react-dom',
            '@fluentui/*',
            'hono',
            'hono/*',
            '@hono/*',
            'express',
            'better-sqlite3',
            'pg',
            '**/adapters/**',
            '**/bot/**',
            '**/server/**',
            '**/tab/**',
            '**/sandbox/**',
          ],
        },
      ],
    },
  },
  {
    // Procedures get Graph results typed by defineCheck / defineWait / defineAction (typed-logic.ts), never cast.
    files: ['core/procedures/**/*.ts'],
    ignores: ['core/procedures/typed-logic.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "TSAsExpression[expression.property.name='data'], TSAsExpression[expression.object.name=/^results?$/], TSAsExpression[expression.callee.name='graphCall']",
          message:
            'A Graph result or call is cast: write the logic with defineCheck / defineWait / defineAction (core/procedures/typed-logic.ts).',
        },
      ],
    },
  },
  {
    // The sandbox tenant depends on nothing of ours.
    files: ['sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/core/**', '**/adapters/**', '**/bot/**', '**/server/**', '**/tab/**'] },
      ],
    },
  },
);
