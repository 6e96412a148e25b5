import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node resolves `graphql` to its CommonJS build, as do the Apollo packages.
    // Vite would pick the ESM build, and two graphql instances cannot share types.
    alias: [
      { find: /^graphql$/, replacement: require.resolve("graphql") },
      // The workspace package from this tree, not through node_modules: a mutation run's sandbox
      // copy of the tree must test its own (mutated) policy, not the original's.
      { find: /^@tearline\/policy$/, replacement: fileURLToPath(new URL("./packages/policy/src/index.ts", import.meta.url)) },
    ],
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
