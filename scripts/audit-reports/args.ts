import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Period, PeriodError, parsePeriod } from "../../lib/audit/period.js";
import { isNationCode, NATIONS, type NationCode } from "../../subgraphs/nations.js";
import { parseCommandLine, UsageError } from "../command-line.js";

/** The gateway's default AUDIT_DIR. */
export const DEFAULT_AUDIT_DIR = fileURLToPath(new URL("../../.data/audit", import.meta.url));

const FOLDERS = `--dir defaults to AUDIT_DIR, else DATA_ROOT/audit, else .data/audit (where npm start's gateway writes);
--database postgres://… (or AUDIT_STORE=postgres with AUDIT_DATABASE_URL, as the gateway is set) reads the PostgreSQL store.
Dates: 2026-12-01 (UTC; --to takes in the whole day) or a date-time with its zone, 2026-12-01T09:00Z.`;

export const OVERSIGHT_USAGE = `Usage: npm run oversight -- --nation GBR --from 2026-12-01 --to 2026-12-03 [--json] [--dir .data/audit | --database postgres://…]
The nation's access report: per partner and purpose, its fields asked for (with counts), redacted and rejected,
denials by reason, and the anomaly flags it was notified of.
${FOLDERS}`;

export const TRANSPARENCY_USAGE = `Usage: npm run transparency -- --from 2026-12-01 --to 2026-12-31 [--json] [--k 10] [--dir .data/audit | --database postgres://…]
The public summary (Markdown, or JSON with --json): per caller nation, owner nation and purpose, operations,
fields, redactions and refusals with their rates, and anomaly flags by kind; every count below k suppressed.
${FOLDERS}`;

export { UsageError };

/** Where the trail is read: the file store's folder, or the PostgreSQL store. */
export type ReportTrail = { kind: "folder"; dir: string } | { kind: "database"; url: string };

export interface ReportArgs {
  period: Required<Period>;
  json: boolean;
  trail: ReportTrail;
  help: boolean;
}

const MIN_K = 2;
const MAX_K = 1000;

const parseOptions = (args: readonly string[]) =>
  parseCommandLine({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      nation: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      json: { type: "boolean" },
      dir: { type: "string" },
      database: { type: "string" },
      k: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
type Values = ReturnType<typeof parseOptions>["values"];

function valuesOf(args: readonly string[], allowed: readonly string[]): Values {
  const { values } = parseOptions(args);
  const extra = Object.keys(values).find((name) => !allowed.includes(name));
  if (extra !== undefined) throw new UsageError(`--${extra} is not an option of this command`);
  return values;
}

/** The folder of chains: an option, else the gateway's settings from the environment (empty is unset), else the default. */
function auditDir(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const dir = option || env.AUDIT_DIR || (env.DATA_ROOT ? join(env.DATA_ROOT, "audit") : DEFAULT_AUDIT_DIR);
  let isFolder = false;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw new UsageError(`${dir} is not a folder of audit chains (give --dir, or AUDIT_DIR)`);
  return dir;
}

function databaseUrl(url: string, from: string): ReportTrail {
  if (!/^postgres(ql)?:\/\/./.test(url)) throw new UsageError(`${from} must be a postgres:// URL`);
  return { kind: "database", url };
}

/** The trail named on the command line, else the one the gateway's settings in the environment name. */
function trailOf(values: Values, env: NodeJS.ProcessEnv): ReportTrail {
  if (values.dir !== undefined && values.database !== undefined) throw new UsageError("give --dir or --database, not both");
  if (values.database !== undefined) return databaseUrl(values.database, "--database");
  if (values.dir === undefined && env.AUDIT_STORE === "postgres") {
    if (!env.AUDIT_DATABASE_URL) throw new UsageError("AUDIT_STORE=postgres needs AUDIT_DATABASE_URL (or give --database)");
    return databaseUrl(env.AUDIT_DATABASE_URL, "AUDIT_DATABASE_URL");
  }
  return { kind: "folder", dir: auditDir(values.dir, env) };
}

function common(values: Values, env: NodeJS.ProcessEnv): ReportArgs {
  if (values.from === undefined || values.to === undefined)
    throw new UsageError("--from and --to are required: the period to report on, such as --from 2026-12-01 --to 2026-12-31");
  let period: Period;
  try {
    period = parsePeriod({ from: "--from", to: "--to" }, values.from, values.to);
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(error.message);
    throw error;
  }
  return { period: period as Required<Period>, json: values.json ?? false, trail: trailOf(values, env), help: false };
}

const HELP: ReportArgs = { period: { from: 0, to: 0 }, json: false, trail: { kind: "folder", dir: "" }, help: true };

export function parseOversightArgs(args: readonly string[], env: NodeJS.ProcessEnv): ReportArgs & { nation: NationCode } {
  const values = valuesOf(args, ["nation", "from", "to", "json", "dir", "database", "help"]);
  if (values.help) return { ...HELP, nation: "GBR" };
  const nation = values.nation?.toUpperCase();
  if (nation === undefined || !isNationCode(nation)) throw new UsageError(`--nation must be one of ${NATIONS.join(", ")}`);
  return { ...common(values, env), nation };
}

export function parseTransparencyArgs(args: readonly string[], env: NodeJS.ProcessEnv): ReportArgs & { k: number } {
  const values = valuesOf(args, ["from", "to", "json", "dir", "database", "k", "help"]);
  if (values.help) return { ...HELP, k: 0 };
  const k = values.k === undefined ? 10 : /^\d{1,4}$/.test(values.k) ? Number(values.k) : Number.NaN;
  // k = 1 would publish every count: a public report keeps some floor.
  if (!(k >= MIN_K && k <= MAX_K))
    throw new UsageError(`--k must be a whole number from ${MIN_K} to ${MAX_K}, the smallest count published`);
  return { ...common(values, env), k };
}
