import { execFile } from "node:child_process";
import { type Classification, type Coalitions, expandReleasability, rank, type Subject } from "@tearline/policy";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A caller of `nation` at `clearance`, with nothing else the nations' labels ask for. */
export const analyst = (nation: string, clearance: Classification): Subject => ({
  nation,
  clearance,
  compartments: new Set(),
  purpose: "CT",
  scopes: new Set(),
});

/** A record's id and its own labels, as the owner reads them past row-level security. */
export interface LabelledRow {
  id: string;
  classification: Classification;
  releasable_to: string[];
}

/** The ids of the rows the labels allow `subject`, judged with the policy package: the database must agree. */
export const allowedIds = (rows: readonly LabelledRow[], subject: Subject, coalitions: Coalitions): string[] =>
  rows
    .filter((r) => rank(r.classification) <= rank(subject.clearance))
    .filter((r) => expandReleasability(r.releasable_to, coalitions).has(subject.nation))
    .map((r) => r.id)
    .sort();

/** `npm run purge -- --nation FRA` as a separate process; `env` points it at a database (no setting leaks in from the test's own). */
export function purgeCommand(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv = { ...process.env, DATABASE_URL: "", FRA_DATABASE_URL: "", DATA_DIR: "", DATA_ROOT: "", RETENTION_FILE: "", ...env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/purge.ts", "--nation", "FRA"],
      { cwd: ROOT, env: childEnv },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}
