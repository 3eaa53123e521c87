import { defineConfig } from 'vitest/config';

// Vite 8 transforms TypeScript with oxc, which reads experimentalDecorators/emitDecoratorMetadata from
// tsconfig.json: Nest's dependency injection needs that metadata (with Vite 7 it silently vanished).
export default defineConfig({
  test: {
    globals: false,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // `npm run test:coverage` (CI runs it): V8 coverage of src/, as a summary on the terminal and HTML in coverage/.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts'],
      reporter: ['text-summary', 'html'],
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
          environment: 'node',
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser-spec.ts'],
          environment: 'node',
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
