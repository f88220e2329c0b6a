// `pnpm test:faults`: the attack and fault suite (issue 6). Same settings as vitest.config.ts, over the security
// and fault directories only, with a global setup that prints the summary table (attacks tried, faults injected,
// prompts sent, responses delivered, lost, crashed) and fails the run on any lost response or crash.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ['apps/gateway/test/security/**/*.test.ts', 'apps/gateway/test/faults/**/*.test.ts'],
    globalSetup: ['packages/client/test/bundle.setup.ts', 'apps/gateway/test/faults/summary.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
