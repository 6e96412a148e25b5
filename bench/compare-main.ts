// `npm run bench:compare [first.json second.json]`: see bench/compare.ts. Default: previous.json, then latest.json.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { textTable } from "../scripts/text-table.js";
import { type ComparedReport, compareReports, SAME_SPEED } from "./compare.js";
import { interval } from "./report.js";

const RESULTS = fileURLToPath(new URL("results/", import.meta.url));
const [firstFile = join(RESULTS, "previous.json"), secondFile = join(RESULTS, "latest.json")] = process.argv.slice(2);
const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as ComparedReport;
const [first, second] = [read(firstFile), read(secondFile)];
const { sameCommit, rates, clean, machine, rows } = compareReports(first, second);

const share = (value: number | null) => (value === null ? "-" : `${(value * 100).toFixed(1)}%`);
const commit = (report: ComparedReport) =>
  report.commit ? `${report.commit.sha.slice(0, 7)}${report.commit.dirty ? " (with uncommitted changes)" : ""}` : "not recorded";
console.log(`first:  ${first.generated_at}, commit ${commit(first)}`);
console.log(`second: ${second.generated_at}, commit ${commit(second)}`);
console.log(sameCommit === null ? "same commit: not known" : sameCommit ? "same commit: yes" : "same commit: no");
if (rates === null) console.log("same fixed rates: not known");
else {
  const { query, rates: pairOfRates, same } = rates.headline;
  const shown = pairOfRates.map((r) => (r === null ? "not measured" : `${r}/s`)).join(" and ");
  console.log(
    same
      ? `same fixed rate of the headline query (${query}): yes, ${shown}`
      : `same fixed rate of the headline query (${query}): no, ${shown}: the headline CPU ratios and latency deltas are not comparable`,
  );
  if (rates.other_queries_differing.length > 0)
    console.log(
      `other queries at different fixed rates: ${rates.other_queries_differing.join(", ")} (their per-query tables are not comparable)`,
    );
}
console.log(
  clean === null
    ? "other processes on the measured cores: not checked in one run or both"
    : clean
      ? "other processes on the measured cores: none seen in either run"
      : "other processes on the measured cores: SEEN in one run or both (its report's other_processes lists them)",
);
const pair = (values: readonly [number | string | null, number | string | null], unit = "") =>
  values.map((v) => (v === null ? "-" : `${v}${unit}`)).join(" and ");
console.log(
  `the machine: B's full load ${pair(machine.b_full_load_rps, " rps")}, its CPU per typical request ${pair(machine.b_cpu_us_per_request, " µs")}, ` +
    `steal at most ${pair(machine.steal_max)}, B at ${pair(machine.against_reference, "×")} the reference machine's CPU per request: ${
      machine.same_speed === null
        ? "not known"
        : machine.same_speed
          ? `about the same speed (by B's ${machine.same_speed_by})`
          : `NOT the same speed (B's ${machine.same_speed_by} differs by more than ${SAME_SPEED}×): ratios can differ for that reason alone`
    }`,
);
console.log(
  machine.same_processor === null
    ? `the processor: not recorded in one run or both (${pair(machine.processors)})`
    : machine.same_processor
      ? `the processor: the same in both runs (${machine.processors[0]})`
      : `the processor: NOT the same (${pair(machine.processors)}): the runs are of different machines`,
);
console.log("");
for (const line of textTable(
  ["figure", "first", "second", "agreement", "half-widths"],
  rows.map((row) => [row.figure, interval(row.first), interval(row.second), row.agreement, row.half_widths.map(share).join(" / ")]),
  "nothing to compare",
))
  console.log(line);
const counts: Record<string, number> = {};
for (const row of rows) counts[row.agreement] = (counts[row.agreement] ?? 0) + 1;
console.log(
  `\n${Object.entries(counts)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ")}`,
);
