// Mutation testing of the second lock (issue 10): `npm run test:mutation:lock`. Apart from stryker.config.mjs because
// its tests open PGlite databases, and coverageAnalysis "all" runs every included test for every mutant.
import base from "./stryker.config.mjs";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: "vitest.mutation-lock.config.ts" },
  mutate: [
    "lib/access-envelope.ts",
    "lib/canonical-json.ts",
    "subgraphs/shared/envelope-guard.ts",
    "subgraphs/shared/second-lock.ts",
    "subgraphs/shared/decision-cache.ts",
    "subgraphs/shared/own-agreements.ts",
    "subgraphs/shared/row-marks.ts",
    "subgraphs/shared/row-scope.ts",
    "gateway/fetch/row-marking.ts",
  ],
  htmlReporter: { fileName: "reports/mutation-lock/index.html" },
};
