import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

// Mutation runs (npm run test:mutation): only the unit tests of the pure code, so each mutant is tried in seconds.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: [
        "test/unit/policy/**/*.test.ts",
        "test/unit/query-rules.test.ts",
        "test/unit/operation-plan.test.ts",
        "test/unit/redact.test.ts",
        "test/unit/lru.test.ts",
      ],
    },
  }),
);
