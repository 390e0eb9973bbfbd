import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['./vitest.setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // infra/: the deploy files' validators (Dockerfiles, compose, Kubernetes manifests).
          include: [
            'packages/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'infra/**/*.test.ts',
            'bench/lib/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The SPA's component and logic tests, in a simulated DOM.
        extends: true,
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['web/src/**/*.test.{ts,tsx}'],
          setupFiles: ['./web/src/test-setup.ts'],
        },
      },
      {
        // Whole backends as processes; fault runs restart shared infrastructure, so one file at a time.
        extends: true,
        test: {
          name: 'system',
          include: ['e2e/system/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Schemathesis against each service's OpenAPI, as processes; needs infra/local/schemathesis.sh.
        extends: true,
        test: {
          name: 'fuzz',
          include: ['e2e/fuzz/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
