import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // gRPC over Unix sockets and child processes: run files in forks, not threads.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // ink draws only its last frame when it thinks it runs in CI; the UI tests drive it frame by
    // frame, so the workers never look like CI to ink (is-in-ci reads CI at import).
    env: { CI: 'false' },
  },
});
