import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/setup/webClient.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // What a poll waits for crosses a hub, a browser or a cluster on two busy cores: a second
    // (the default) was once too short in CI for a browser test's round trip through the hub.
    expect: { poll: { timeout: 5_000 } },
    // Tests start real hubs and child processes; two workers match the CI machine's two cores.
    maxWorkers: 2,
  },
});
