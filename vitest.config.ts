import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node resolves `graphql` to its CommonJS build, as do the Apollo packages.
    // Vite would pick the ESM build, and two graphql instances cannot share types.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/quiet-logs.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // End-to-end files start whole stacks of processes; a 2-core machine runs two files at a time.
    maxWorkers: 2,
  },
});
