import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// Mutation runs (npm run test:mutation): only the unit tests of the pure code, so each mutant is tried in seconds.
// Spread, not mergeConfig: merging would add these files to the base config's, not replace them.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "test/unit/policy/**/*.test.ts",
      "test/unit/query-rules.test.ts",
      "test/unit/operation-plan.test.ts",
      "test/unit/redact.test.ts",
      "test/unit/lru.test.ts",
    ],
  },
});
