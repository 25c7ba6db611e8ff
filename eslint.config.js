import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'coverage/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', globalThis: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    // Decorated constructor parameters need value imports for emitDecoratorMetadata.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // the upload widgets of the browser test, shown verbatim in the README
    files: ['test/browser/**/*.jsx'],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } }, globals: { FormData: 'readonly' } },
  },
  {
    files: ['codegen/**/*.ts', 'test/**/*.{ts,mjs}', '**/*.spec.ts', 'src/**/cli/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
