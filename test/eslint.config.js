// ESLint for server/, test/ and web/ (run by `npm test` as `npm run lint`, --max-warnings 0).
// Type-aware: each file is checked with the tsconfig nearest to it (server: tsconfig.json,
// tests: test/tsconfig.json, inbox: web/tsconfig.json). It lives here rather than at the top
// level, which the project keeps to a fixed set of files; `npm run lint` passes --config.

import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const root = fileURLToPath(new URL('..', import.meta.url));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'web/public/**', '.ci/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['web/dev.ts', 'web/vite.config.ts', 'test/eslint.config.js', 'test/bench/*.mjs'] },
        tsconfigRootDir: root,
        extraFileExtensions: ['.svelte'],
      },
    },
  },
  { files: ['web/src/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: tseslint.parser } } },
  {
    files: ['**/*.svelte'],
    rules: {
      // svelte-check types components (bind:this instances, props, snippets); this parser sees them as any.
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // {' '} and {', '} keep spaces next to block tags, which Svelte would otherwise trim.
      'svelte/no-useless-mustaches': 'off',
    },
  },
  {
    files: ['**/*.svelte.ts'],
    rules: {
      // $state({ x: null as string | null }) needs the assertion to widen the state's type.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Timers kept in #fields and read through ??= count as unused to this rule.
      'no-unused-private-class-members': 'off',
    },
  },
  {
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unnecessary-condition': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Services are closures returned by factories (no `this`); method syntax in their interfaces is style.
      '@typescript-eslint/unbound-method': 'off',
      // Fastify handlers are async so that a throw becomes the error reply, awaited or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read untyped JSON (res.json(), feed frames) and assert on it: the assertion is the check.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // WebSocket frames arrive as ws RawData (a Buffer here); String(data) is the frame's text.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
);
