/**
 * Import rules, checked by `npm run deps` (part of `npm test`).
 * The shape they keep: a pure policy package, app code that never imports
 * the gateway from outside it, and one direction through the gateway's
 * request path: identity → plan → execute → complete → record.
 */
const APP = "^(gateway|subgraphs|lib|scripts|schema|bench|examples)/";

// Each stage of the gateway's request path, and the stages after it that it must not import.
const stage = (_name, folders) => `^gateway/(${folders.join("|")})/`;
const IDENTITY = stage("identity", ["auth"]);
const PLAN = stage("plan", ["enforcement", "rules", "transforms"]);
const EXECUTE = stage("execute", ["execute", "fetch"]);
const COMPLETE = stage("complete", ["response"]);
const RECORD = stage("record", ["audit"]);
const ORCHESTRATION = "^gateway/(pipeline/handle-request|server|main)\\.ts$";
const CONTEXT = "^gateway/pipeline/context\\.ts$";

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "No import cycles, anywhere.", from: {}, to: { circular: true } },
    {
      name: "policy-is-pure",
      severity: "error",
      comment: "packages/* import no app code.",
      from: { path: "^packages/" },
      to: { path: [APP, "^test/"] },
    },
    {
      name: "policy-depends-on-graphql-only",
      severity: "error",
      comment: "@tearline/policy depends on graphql and nothing else: no I/O, no clock, no configuration library.",
      from: { path: "^packages/policy/" },
      to: {
        dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown", "core"],
        pathNot: "^node_modules/graphql/",
      },
    },
    {
      name: "gateway-only-from-gateway",
      severity: "error",
      comment: "Nothing outside gateway/ imports it (tests and the benchmark run it, and may).",
      from: { path: "^(subgraphs|lib|scripts|schema|packages|examples)/" },
      to: { path: "^gateway/" },
    },
    {
      name: "no-test-or-bench-code-in-production",
      severity: "error",
      from: { path: "^(gateway|subgraphs|lib|scripts|schema|packages|examples)/" },
      to: { path: "^(test|bench)/" },
    },
    {
      name: "lib-is-a-library",
      severity: "error",
      comment: "lib/ serves every component and knows none of them.",
      from: { path: "^lib/" },
      to: { path: "^(gateway|subgraphs|scripts|schema|bench|examples)/" },
    },
    {
      name: "identity-before-everything",
      severity: "error",
      comment: "The identity stage knows nothing of the stages after it.",
      from: { path: IDENTITY },
      to: { path: [PLAN, EXECUTE, COMPLETE, RECORD, "^gateway/(pipeline|http)/", ORCHESTRATION] },
    },
    {
      name: "plan-before-execution",
      severity: "error",
      comment: "Planning (decide, rewrite) knows nothing of execution, completion, record or the request context.",
      from: { path: PLAN },
      to: { path: [EXECUTE, COMPLETE, RECORD, "^gateway/(pipeline|http)/", ORCHESTRATION] },
    },
    {
      name: "execute-before-completion",
      severity: "error",
      from: { path: EXECUTE },
      to: { path: [COMPLETE, RECORD, ORCHESTRATION] },
    },
    {
      name: "complete-before-record",
      severity: "error",
      from: { path: COMPLETE },
      to: { path: [RECORD, ORCHESTRATION] },
    },
    {
      name: "record-is-last",
      severity: "error",
      from: { path: RECORD },
      to: { path: [ORCHESTRATION, CONTEXT] },
      comment: "The record stage reads what the pipeline hands it; it never reaches back into the orchestration.",
    },
    {
      name: "oversight-watches-from-outside",
      severity: "error",
      comment:
        "Anomaly detection reads what the record stage hands it; it never reaches into the pipeline, which only calls its throttle check through the stage it is given.",
      from: { path: "^gateway/oversight/" },
      to: { path: ["^gateway/pipeline/", ORCHESTRATION] },
    },
    {
      name: "stages-know-no-oversight",
      severity: "error",
      comment: "No stage imports the oversight that watches it; the server wires them together.",
      from: { path: [IDENTITY, PLAN, EXECUTE, COMPLETE, RECORD, "^gateway/(pipeline|http)/"] },
      to: { path: "^gateway/oversight/" },
    },
    {
      name: "only-the-orchestrator-knows-every-stage",
      severity: "error",
      comment: "Only the pipeline's orchestrator and the server wiring import the orchestrator.",
      from: { pathNot: "^(gateway/(server|main)\\.ts|test/|bench/)" },
      to: { path: "^gateway/pipeline/handle-request\\.ts$" },
    },
    {
      name: "errors-are-leaves",
      severity: "error",
      comment: "The error registry and the gateway's error formatting import no stage.",
      from: { path: "^(lib/error-codes|gateway/errors)\\.ts$" },
      to: { path: "^gateway/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(__generated__|\\.stryker-tmp|reports)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
