// Mutation testing of the pure code: `npm run test:mutation`. A surviving mutant in a
// security check is a missing test. Not part of `npm test` (it takes minutes).
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "packages/policy/src/**/*.ts",
    // The query rules and transforms the gateway decides and rewrites with.
    "gateway/rules/**/*.ts",
    "gateway/transforms/**/*.ts",
    "gateway/enforcement/plan.ts",
    "gateway/enforcement/walk-operation.ts",
    "gateway/enforcement/decision-sites.ts",
    // The signature and header checks on the caller's token (ADR 0015).
    "gateway/auth/jws-signature.ts",
    "gateway/auth/verify-token.ts",
    // What is kept of a subgraph's answer (nothing it was not asked for), the banner, and capped reads of documents.
    "gateway/fetch/asked-fields.ts",
    "gateway/response/banner.ts",
    "lib/capped-get.ts",
    // The one serialiser that request digests and the audit chain's hashes are computed with, on both sides.
    "lib/canonical-json.ts",
  ],
  // Not "perTest": with a per-test filter the vitest runner activates a static mutant (one evaluated while a module
  // loads: module constants, fixtures built at import) after the module has loaded, so covered static mutants are
  // reported as survived (stryker-js #6144, #6209). "all" activates every mutant before loading; slower, but true.
  coverageAnalysis: "all",
  reporters: ["clear-text", "progress", "html"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  thresholds: { high: 90, low: 85, break: 85 },
  concurrency: 2,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
