import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // The attack and fault suite runs on its own (vitest.faults.config.ts, `pnpm test:faults`) to print its table.
    exclude: ['apps/gateway/test/security/**', 'apps/gateway/test/faults/**', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Gateways under test spawn MCP child processes; two cores are shared by every file running at once.
    maxWorkers: 2,
  },
});
