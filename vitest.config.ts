import { defineConfig } from 'vitest/config';

// temp dirs made by tests are removed after each test file
const setup = './test/support/setup.ts';

// Three tiers: unit (no I/O beyond local files), integration (real sshd on loopback), e2e (the VM lab).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', setupFiles: [setup], include: ['test/unit/**/*.test.ts'], testTimeout: 30_000, typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'] } } },
      { test: { name: 'integration', setupFiles: [setup], include: ['test/integration/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false } },
      { test: { name: 'e2e', setupFiles: [setup], include: ['test/e2e/**/*.test.ts'], testTimeout: 1_800_000, hookTimeout: 3_600_000, fileParallelism: false } },
    ],
  },
});
