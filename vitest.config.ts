import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The workspace packages resolve to their sources (tsconfig.base.json `paths`), as in tsc and tsx: no build needed.
  resolve: { tsconfigPaths: true },
  test: {
    // /client.js is served from the bundle `pnpm build` writes: written once per run here.
    globalSetup: ['packages/client/test/bundle.setup.ts'],
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
