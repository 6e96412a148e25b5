// Mutation testing of the audit trail and the anomaly flags (issue 11): `npm run test:mutation:audit`. The audit
// trail is a security rule (every decision can be audited, tampering is detected), so its checks need tests that
// fail when they are removed. Apart from stryker.config.mjs so that each mutant runs the audit's unit tests only.
import base from "./stryker.config.mjs";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: "vitest.mutation-audit.config.ts" },
  mutate: [
    // The hash chain, its signed checkpoints and their verification.
    "lib/audit/chain.ts",
    "lib/audit/checkpoint.ts",
    "lib/audit/verify-chain.ts",
    "lib/audit/verify-trail.ts",
    // What a nation's oversight may see of the trail, and the small counts its reports hide.
    "lib/audit/small-cells.ts",
    "lib/audit/nation-view.ts",
    "lib/audit/event-filter.ts",
    // How the gateway writes the trail.
    "gateway/audit/chain-writer.ts",
    "gateway/audit/operation-event.ts",
    // The anomaly flags: detectors, windows, throttle, and how a flag is raised (not the webhook's HTTP delivery).
    "gateway/oversight/anomaly/detectors/**/*.ts",
    "gateway/oversight/anomaly/detector.ts",
    "gateway/oversight/anomaly/sliding-count.ts",
    "gateway/oversight/anomaly/throttle.ts",
    "gateway/oversight/anomaly/monitor.ts",
    "gateway/oversight/anomaly/observation.ts",
    "gateway/oversight/anomaly/open-anomaly.ts",
  ],
  // A 2-core machine shared with other work: one vitest at a time.
  concurrency: 1,
  htmlReporter: { fileName: "reports/mutation-audit/index.html" },
};
