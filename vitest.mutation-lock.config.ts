import { defineConfig } from "vitest/config";
import mutation from "./vitest.mutation.config.js";

// The second lock's unit tests only (stryker.lock.config.mjs), with the mutation runs' reporter.
export default defineConfig({
  ...mutation,
  test: {
    ...mutation.test,
    include: [
      "test/unit/access-envelope.test.ts",
      "test/unit/access-envelope-forgeries.test.ts",
      "test/unit/access-envelope-time.test.ts",
      "test/unit/canonical-json.test.ts",
      "test/unit/envelope-guard.test.ts",
      "test/unit/envelope-guard-start.test.ts",
      "test/unit/second-lock.test.ts",
      "test/unit/second-lock-rules.test.ts",
      "test/unit/decision-cache.test.ts",
      "test/unit/own-agreements.test.ts",
      "test/unit/row-marking.test.ts",
      "test/unit/row-security.test.ts",
    ],
  },
});
