// ESLint flat config. Type-aware rules for TypeScript; layer boundaries as
// import restrictions (style.md 11: "boundaries are enforced by lint, not by hope").
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Import specifiers are matched as written, so "the api/ folder" is any run of
// "../" followed by that top-level folder (a file in engine/ or engine/x/ reaching out).
const topLevel = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const boundary = (message, ...folders) => ({ regex: topLevel(...folders), message });

export default defineConfig([
  // Dot-directories hold tooling and personal scratch files, never project sources.
  globalIgnores(['node_modules/', '.data/', '.bin/', 'dist/', 'modeler/dist/', 'coverage/', 'tools/', '.*/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'propflow/typescript',
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    ignores: ['modeler/**'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error (and, in a job handler, the job).
      '@typescript-eslint/no-floating-promises': 'error',
      // Needed now and then (untyped library data): say so with
      // `// eslint-disable-next-line @typescript-eslint/no-explicit-any -- why`.
      '@typescript-eslint/no-explicit-any': 'error',
      // `const runtime = this` for classes declared inside a method (bpmn-engine
      // behaviours are classes the engine instantiates) is legitimate.
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  {
    name: 'propflow/boundaries/engine',
    files: ['engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            boundary('The engine adapters depend on nothing in api/ or workers/ (architecture.md).', 'api', 'workers'),
          ],
        },
      ],
    },
  },
  {
    name: 'propflow/boundaries/workers',
    files: ['workers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [boundary('Workers get what they need through their deps (domain/ports.ts), not from api/.', 'api')],
        },
      ],
    },
  },
  {
    name: 'propflow/boundaries/modeler',
    files: ['modeler/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'mongoose', message: 'The web UI imports no server code.' },
            { name: 'express', message: 'The web UI imports no server code.' },
          ],
          patterns: [
            boundary('The web UI imports no server code (api/, engine/, workers/).', 'api', 'engine', 'workers'),
            {
              regex: '^(\\.\\./)+domain/(.+/)?[^/]+\\.model(\\.[^/]*)?$',
              message: 'The web UI imports no server code: domain/*.model.* are mongoose models.',
            },
          ],
        },
      ],
    },
  },
]);
