import { configDefaults, defineConfig } from 'vitest/config';

// Run through `npm test` (scripts/test.ts), which starts FerretDB and sets
// MONGODB_URI; tests/helpers/db.ts gives each test file its own database.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // tests/e2e drives Debian's Chromium against the built UI (scripts/test.ts builds it first).
    exclude: [...configDefaults.exclude, '.data/**', '.bin/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Files run in parallel, at most two at a time (CI and dev boxes have 2 cores).
    // Child processes rather than worker threads: process.chdir, process.exit
    // and signals behave as in production code; the start-up cost is the same at 2 workers.
    pool: 'forks',
    minWorkers: 1,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
