// ESLint flat config (npm run lint). typescript-eslint's recommended rules on every file, plus a
// small set of type-aware rules on the TypeScript project (src, test, proofs, bench) chosen because
// each one finds a real class of bug here: an un-awaited promise, a switch that misses a case of a
// union, an object interpolated into an error message as "[object Object]", a cast that hides
// nothing. Formatting is Prettier's job (npm run format:check), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';

const root = dirname(fileURLToPath(import.meta.url));

const NO_EXPORT_LET = {
  selector: 'ExportNamedDeclaration > VariableDeclaration[kind="let"]',
  message: 'No module-level mutable exports: return the value or pass it in.',
};
const NO_FIXED_DYNAMIC_IMPORT = {
  selector: 'ImportExpression[source.type="Literal"]',
  message:
    'Import a fixed module statically: a dynamic import hides the dependency from a reader of the module header (only the lazy command table of src/cli/commands.ts and optional peers load on demand).',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dynview-out/**',
      'docs/**',
      'assembly/**',
      'test/golden/**',
      'test/architecture/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        WebAssembly: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      // An unused variable is either dead code or a bug; a leading `_` marks a deliberately ignored one.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      'no-throw-literal': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      'no-unmodified-loop-condition': 'error',
      'no-promise-executor-return': 'error',
      // Prettier wraps code at 110 columns but not comments: keep those readable too (long message
      // strings and URLs are exempt).
      'max-len': [
        'error',
        {
          code: 140,
          ignoreUrls: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
        },
      ],
      // A module-level `export let` is a hidden side channel between modules: return the value instead.
      'no-restricted-syntax': ['error', NO_EXPORT_LET],
    },
  },
  {
    // Library code imports statically (a dynamic import is an edge readers and tools miss). The
    // command table loads each command
    // lazily on purpose (start-up time), and ts-loader loads the optional tsx peer on demand.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/commands.ts', 'src/cli/ts-loader.ts'],
    rules: { 'no-restricted-syntax': ['error', NO_EXPORT_LET, NO_FIXED_DYNAMIC_IMPORT] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Type-aware rules: only files of the TypeScript project (tsconfig.json) have type information.
    files: ['src/**/*.ts', 'test/**/*.ts', 'proofs/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, allowDefaultCaseForExhaustiveSwitch: true },
      ],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
);
