import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/setup/webClient.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real hubs and child processes; two workers match the CI machine's two cores.
    maxWorkers: 2,
  },
});
