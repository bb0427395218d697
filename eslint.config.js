// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'coverage/**', 'bench-results/**', 'test-results/**'],
  },
  js.configs.recommended,
  // Also turns `no-undef` off for .ts/.tsx (tsc checks that), so WXT's auto-imported globals
  // (defineBackground, defineContentScript, browser, storage, fakeBrowser, ...) are fine there.
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    rules: {
      'no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['entrypoints/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
  // Import boundaries. The content script (and the adapters it runs) never opens Dexie, and takes only types from
  // the protocol (its schemas stay in the background's bundle); the engine imports nothing from db, background or UI.
  {
    files: [
      'lib/content/**/*.ts',
      'lib/platforms/**/*.ts',
      'entrypoints/*.content.ts',
      'lib/messages.ts',
      'lib/send.ts',
    ],
    // The registry and each folder's declaration hold every platform's rules and names: never content code.
    ignores: [
      'lib/platforms/registry.ts',
      'lib/platforms/adapters.ts',
      'lib/platforms/*/platform.ts',
      'lib/platforms/sources.ts',
      'lib/platforms/*/sources.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'dexie', message: 'content scripts never open Dexie: ask the background' },
            { name: 'dexie-react-hooks', message: 'content scripts never open Dexie' },
          ],
          patterns: [
            {
              // Not even types: the row types are in lib/model.
              group: ['**/db', '**/db/**', '**/ui/db'],
              message: 'content code reads no database (row types: lib/model)',
            },
            {
              group: ['**/background/**'],
              allowTypeImports: true,
              message: 'content code runs no background code',
            },
            {
              group: [
                '**/platforms/adapters',
                '**/platforms/registry',
                '**/platforms/*/platform',
                '../*/platform',
                './platform',
                '**/hosts',
                '**/rules/defaults',
                '../registry',
                './registry',
                '../adapters',
                './adapters',
              ],
              message:
                "a content script carries its own platform's adapters only (lib/content/main.ts workbenchScript)",
            },
            {
              group: ['**/platforms/sources', '**/platforms/*/sources', '../sources', './sources', '../*/sources'],
              allowTypeImports: true,
              message: 'selector source notes are for people and tests, not for the page (its bundle budget)',
            },
            {
              group: ['**/protocol', 'valibot'],
              allowTypeImports: true,
              message: 'types only: the schemas belong to the background',
            },
            {
              group: ['**/sync/**', 'pouchdb-browser'],
              allowTypeImports: true,
              message: 'content scripts carry no team sync code (the background pushes, the analytics page reads)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Not even types: the row types are in lib/model.
              group: ['**/db', '**/db/**', 'dexie'],
              message: 'the engine is pure: no database (row types: lib/model)',
            },
            {
              group: ['**/background/**', '**/ui/**', '**/components/**', 'react'],
              allowTypeImports: true,
              message: 'the engine is pure',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['components/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/background/**'],
              allowTypeImports: true,
              message: 'the UI talks to the background through messages',
            },
          ],
        },
      ],
    },
  },
  // Node: tooling scripts, config files, tests (the e2e harness runs in node too).
  {
    files: ['scripts/**', '*.config.{js,ts,mjs}', 'test/**/*.{ts,tsx}', '.ci/**/*.{js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  // The simulated workbench: plain browser scripts, no build step.
  {
    files: ['demo/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
);
