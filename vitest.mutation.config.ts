import type { RunnerTestCase } from "vitest";
import { defineConfig } from "vitest/config";
import type { Vitest } from "vitest/node";
import type { Reporter } from "vitest/reporters";
import base from "./vitest.config.js";

/**
 * StrykerJS's vitest runner (9.6.1, and 10.0.0) builds a mutant's result from the tests vitest collected only. A
 * mutant that makes a test file throw while it loads (at import, or in a describe body: the policy harness parses
 * the coalitions file at import) leaves that file with no test at all, so the mutant was counted as survived
 * (stryker-js#6150). This reporter gives such a file one failed test carrying its load error, so the mutant is
 * killed, as it is in a plain `vitest run`. A file that loaded is left as it is.
 */
function loadFailuresAsFailedTests(): Reporter {
  let vitest: Vitest | undefined;
  return {
    onInit(ctx) {
      vitest = ctx;
    },
    onTestRunEnd() {
      // The files the runner reads its results from once the run is over.
      for (const file of vitest?.state.getFiles() ?? []) {
        if (file.result?.state !== "fail" || file.tasks.length > 0) continue;
        // Only the fields the runner reads (type, name, mode, result, file, suite); nothing runs it.
        const failed = {
          type: "test",
          id: `${file.id}_load`,
          name: "loads",
          mode: "run",
          file,
          suite: file,
          result: { state: "fail", errors: file.result.errors },
          meta: {},
        } as unknown as RunnerTestCase;
        file.tasks.push(failed);
      }
    },
  };
}

// Mutation runs (npm run test:mutation): only the unit tests of the mutated code, so each mutant is tried in seconds.
// Spread, not mergeConfig: merging would add these files to the base config's, not replace them.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "test/unit/policy/**/*.test.ts",
      // The agreements payload (packages/policy/src/agreements) is read by these, beside its signature checks.
      "test/unit/agreement-document.test.ts",
      // The tests of the gateway's query rules, transforms and planner (mutated beside the policy, see stryker.config.mjs).
      "test/unit/query-rules.test.ts",
      "test/unit/cost-limit.test.ts",
      "test/unit/armor-limits.test.ts",
      "test/unit/operation-plan.test.ts",
      "test/unit/operation-plan-refusals.test.ts",
      "test/unit/operation-plan-banner.test.ts",
      "test/unit/operation-plan-cache.test.ts",
      "test/unit/redact.test.ts",
      "test/unit/lru.test.ts",
      // The caller's token: its header, its signature (node:crypto) and its claims (gateway/auth, ADR 0015).
      "test/unit/jws-signature.test.ts",
      "test/unit/auth.test.ts",
      "test/security/auth/token-kind.test.ts",
      "test/security/auth/encoding.test.ts",
      "test/unit/decision-sites.test.ts",
      // What the gateway keeps of a subgraph's answer, the banner of what it returns, and its capped reads.
      "test/unit/asked-fields.test.ts",
      "test/unit/response-banner-walk.test.ts",
      "test/unit/capped-get.test.ts",
      "test/unit/canonical-json.test.ts",
    ],
    reporters: ["default", loadFailuresAsFailedTests()],
  },
});
