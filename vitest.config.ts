import { defineConfig } from 'vitest/config';

/**
 * Two projects, run one after the other by `npm test`:
 * - `suite`: unit and integration tests, files in parallel, each with its own Redis key prefix;
 * - `processes`: tests that start real server processes (SIGKILL, ordering across processes,
 *   start-up refusals) or a real browser (the console, Debian's Chromium), one file at a time so
 *   timing is theirs alone;
 * - `cluster`: every test that stores in Redis (integration, security, the Redis stores' own
 *   tests) again, against a local three-node Redis Cluster its global setup starts (issue 13).
 *   The benchmark tools' tests are left out: the benchmark measures one server.
 */
export default defineConfig({
  test: {
    globalSetup: ['./test/support/globalSetup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: ['test/processes/**'] } },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/integration/**/*.test.ts', 'test/security/**/*.test.ts', 'test/unit/{analytics,bookingStore,bullJobQueue,senderLimits,store,turnLock}.test.ts'],
          exclude: ['test/integration/{analyticsReadBench,benchScript}.test.ts'],
          env: { TEST_REDIS_CLUSTER: '1' },
        },
      },
      { extends: true, test: { name: 'processes', include: ['test/processes/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000 } },
    ],
  },
});
