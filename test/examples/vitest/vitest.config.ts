// Example Vitest setup: one Mailroom for the whole run, started in globalSetup.
// Run: npx vitest run --config test/examples/vitest/vitest.config.ts

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
  },
});
