import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessReport } from "../../lib/audit/access-report.js";
import type { TransparencyReport } from "../../lib/audit/transparency-report.js";
import type { Outcome } from "../support/agreement-cli.js";
import { ROOT } from "../support/agreement-command.js";
import { field, flag, operationBy, writeChainFile } from "../support/audit-events.js";

// `npm run oversight` and `npm run transparency` as the operator runs them: separate processes on an audit folder.

/** Runs a report command from the repository's root, with no audit settings from this process's environment. */
function report(command: "oversight" | "transparency", args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const childEnv = { ...process.env, AUDIT_DIR: "", DATA_ROOT: "", ...env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", `scripts/audit-reports/${command}.ts`, ...args],
      { cwd: ROOT, env: childEnv },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);
const assessment = (decision: "ALLOWED" | "REDACTED" = "ALLOWED") => field("ThreatActor.assessment", ["FRA"], decision);

describe("npm run oversight and npm run transparency", () => {
  let dir: string;
  const period = ["--from", "2026-12-01", "--to", "2026-12-01"];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tearline-audit-reports-"));
    writeChainFile(dir, "gateway-a", [
      ...times(11, () => operationBy("GBR", { fields: [field("ThreatActor.name", ["GBR"]), assessment()] })),
      ...times(2, () => operationBy("GBR", { fields: [assessment("REDACTED")] })),
    ]);
    writeChainFile(dir, "gateway-b", [
      ...times(12, () => operationBy("DEU", { purpose: "CYBER", fields: [assessment()] })),
      flag({ owners: ["FRA"] }),
      operationBy("DEU", { at: "2026-12-02T00:00:00.000Z", fields: [assessment()] }),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints FRA's access report as a table: partners and purposes, coordinates with counts, denials by reason, flags", async () => {
    const { code, stdout, stderr } = await report("oversight", ["--nation", "FRA", ...period, "--dir", dir]);
    expect([code, stderr]).toEqual([0, ""]);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual([
      "FRA access report, 2026-12-01T00:00:00Z to 2026-12-02T00:00:00Z (end excluded)",
      `audit folder ${dir}: 2 chain(s), 29 entries read; 26 event(s) touched FRA's data`,
    ]);
    const rows = (from: string) => lines.slice(lines.indexOf(from)).map((line) => line.split(/\s{2,}/));
    expect(rows("partner  purpose  operations  field                   allowed  redacted  rejected").slice(1, 3)).toEqual([
      ["DEU", "CYBER", "12", "ThreatActor.assessment", "12", "0", "0"],
      ["GBR", "CT", "13", "ThreatActor.assessment", "11", "2", "0"],
    ]);
    expect(stdout).toContain("denials by reason");
    expect(rows("partner  purpose  reason     fields")[1]).toEqual(["GBR", "CT", "AGREEMENT", "2"]);
    expect(rows("partner  flag          purpose  count")[1]).toEqual(["DEU", "REQUEST_RATE", "1"]);
  });

  it("prints the same report as JSON with --json, and what was read", async () => {
    const { code, stdout } = await report("oversight", ["--nation", "fra", ...period, "--dir", dir, "--json"]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as AccessReport & { read: object };
    expect(json).toMatchObject({ nation: "FRA", events: 26, read: { dir, chains: 2, entries: 29 } });
    expect(json.groups.map((group) => [group.partner, group.purpose, group.operations])).toEqual([
      ["DEU", "CYBER", 12],
      ["GBR", "CT", 13],
    ]);
  });

  it("says so when nothing touched the nation, and reads AUDIT_DIR when --dir is not given", async () => {
    const { code, stdout } = await report("oversight", ["--nation", "EST", ...period], { AUDIT_DIR: dir });
    expect(code).toBe(0);
    expect(stdout).toContain("(no operation touched EST's data in this period)");
  });

  it("prints the transparency report as Markdown, small counts suppressed and the method stated", async () => {
    const { code, stdout, stderr } = await report("transparency", [...period, "--dir", dir]);
    expect([code, stderr]).toEqual([0, ""]);
    expect(stdout).toContain("# Tearline transparency report");
    expect(stdout).toContain("Period: 2026-12-01T00:00:00Z to 2026-12-02T00:00:00Z");
    expect(stdout).toContain("| DEU → FRA | CYBER | 12 | 12 | <10 | – | <10 | – |");
    expect(stdout).toContain("| GBR → FRA | CT | 13 | 13 | <10 | – | <10 | – |");
    expect(stdout).toContain("| **all pairs** |  | 25 | 25 | <10 | – | <10 | – |");
    expect(stdout).toContain("complementary suppression");
    for (const identity of ["analyst@", "https://", "token-", "request-", "Actor", "hash-of", "gateway-a"])
      expect(stdout).not.toContain(identity);
  });

  it("takes another k, and gives JSON with --json", async () => {
    const { code, stdout } = await report("transparency", [...period, "--dir", dir, "--k", "2", "--json"]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as TransparencyReport;
    expect(json.k).toBe(2);
    // GBR's 2 redactions are not below 2, but DEU's 0 is, and all pairs would give it back: GBR's are hidden as "x", with its rate.
    expect(json.rows.find((row) => row.caller === "GBR" && row.purpose === "CT")).toMatchObject({
      operations: 13,
      redacted: "x",
      redactionRate: null,
    });
    // And all pairs' 2, beside DEU's 0 and GBR's "x": 2 - 0 leaves the 0 no room, so that total is hidden too.
    expect(json.rows.find((row) => row.caller === null)).toMatchObject({ operations: 25, redacted: "x" });
  });

  const refusals: Array<["oversight" | "transparency", string[], string]> = [
    ["oversight", ["--from", "2026-12-01", "--to", "2026-12-02"], "oversight: --nation must be one of GBR, FRA, DEU, EST"],
    [
      "oversight",
      ["--nation", "XYZ", "--from", "2026-12-01", "--to", "2026-12-02"],
      "oversight: --nation must be one of GBR, FRA, DEU, EST",
    ],
    ["oversight", ["--nation", "FRA", "--to", "2026-12-02"], "oversight: --from and --to are required"],
    ["oversight", ["--nation", "FRA", "--from", "2026-12-01", "--to", "tomorrow"], "oversight: --to tomorrow is not a date"],
    [
      "oversight",
      ["--nation", "FRA", "--from", "2026-12-03", "--to", "2026-12-02"],
      "oversight: --to 2026-12-02 is not after --from 2026-12-03",
    ],
    [
      "oversight",
      ["--nation", "FRA", "--from", "2026-12-01", "--to", "2026-12-02", "--k", "5"],
      "oversight: --k is not an option of this command",
    ],
    ["oversight", ["--nation", "FRA", "--colour"], "oversight: Unknown option '--colour'"],
    [
      "oversight",
      ["--nation", "FRA", "--from", "2026-12-01", "--to", "2026-12-02", "--dir", "/nonexistent/audit"],
      "oversight: /nonexistent/audit is not a folder",
    ],
    ["transparency", ["--from", "2026-12-01", "--to", "2026-12-02", "--k", "1"], "transparency: --k must be a whole number from 2 to 1000"],
    ["transparency", ["--from", "2026-12-01", "--to", "2026-12-02", "--k", "ten"], "transparency: --k must be a whole number"],
    [
      "transparency",
      ["--nation", "FRA", "--from", "2026-12-01", "--to", "2026-12-02"],
      "transparency: --nation is not an option of this command",
    ],
    ["transparency", ["extra"], "transparency: Unexpected argument 'extra'"],
    [
      "transparency",
      ["--from", "2026-12-01", "--to", "2026-12-02", "--database", "postgres://127.0.0.1/audit"],
      "transparency: give --dir or --database, not both",
    ],
  ];
  it.each(refusals)("%s %j: one line on stderr, exit 2", async (command, args, message) => {
    const { code, stdout, stderr } = await report(command, [...args, ...(args.includes("--dir") ? [] : ["--dir", dir])]);
    expect([code, stdout]).toEqual([2, ""]);
    expect(stderr.trimEnd().split("\n")).toEqual([expect.stringContaining(message)]);
  });

  it("prints its usage with --help", async () => {
    const { code, stdout } = await report("transparency", ["--help"]);
    expect([code, stdout.split("\n")[0]]).toEqual([0, expect.stringContaining("Usage: npm run transparency -- --from")]);
  });
});
