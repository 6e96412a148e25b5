import { defineConfig } from "vitest/config";
import mutation from "./vitest.mutation.config.js";

// The audit trail's and the anomaly flags' unit tests only (stryker.audit.config.mjs), with the mutation runs'
// reporter. Not the audit CLIs' tests (audit-verify-cli, audit-reports-cli): each starts node processes. Nor the
// transparency report's: it builds a report while its file loads, which makes every small-cells mutant static (a
// reload of every test file per mutant); audit-small-cells.test.ts tests the suppression itself.
export default defineConfig({
  ...mutation,
  test: {
    ...mutation.test,
    include: [
      "test/unit/audit-chain.test.ts",
      "test/unit/audit-checkpoint.test.ts",
      "test/unit/audit-verify-chain.test.ts",
      "test/unit/audit-postgres-rows.test.ts",
      "test/unit/audit-nation-view.test.ts",
      "test/unit/audit-nation-flag.test.ts",
      "test/unit/audit-small-cells.test.ts",
      "test/unit/audit-access-report.test.ts",
      "test/unit/chain-writer.test.ts",
      "test/unit/audit-chain-writer-clock.test.ts",
      "test/unit/operation-event.test.ts",
      "test/unit/oversight-view.test.ts",
      "test/unit/anomaly-detectors.test.ts",
      "test/unit/anomaly-window.test.ts",
      "test/unit/anomaly-throttle.test.ts",
      "test/unit/anomaly-flags.test.ts",
      "test/unit/audit-anomaly-edges.test.ts",
    ],
  },
});
