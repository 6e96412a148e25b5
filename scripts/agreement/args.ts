import { accessSync, constants, statSync } from "node:fs";
import { CLASSIFICATIONS, type Classification, isClassification } from "@tearline/policy";
import type { Purposes } from "../../lib/policy-files.js";
import { isNationCode, NATIONS, type NationCode } from "../../subgraphs/nations.js";
import { parseCommandLine, refuseRepeatedOptions, UsageError } from "../command-line.js";

export const AGREEMENT_USAGE = `Usage: npm run agreement -- --nation FRA <command> [--data-root .data] [--keys-dir .keys]
  show                      the nation's signed agreements, one partner a line
  pause <PARTNER>           stop releasing anything to the partner (the entry stays)
  resume <PARTNER>          release again under the entry's terms
  set <PARTNER> [--ceiling SECRET] [--purposes CT,CYBER] [--expires 2027-06-30]
                [--valid-from 2026-12-01] [--covers ThreatActor,Assessment.summary | --covers '*']
                            change the given terms, or add the partner (a new entry needs
                            --ceiling, --purposes and --expires); a date alone means UTC, and
                            --expires D ends at the end of day D; '*' covers every type
  revoke <PARTNER>          remove the partner's entry
  rotate-key                a new agreement key; the document is re-signed with it
DATA_ROOT and KEYS_DIR set the folders too.`;

export { UsageError };

/** The terms `set` was given; what is absent stays as it is. `covers: null` releases every type. */
export interface TermsChanges {
  ceiling?: Classification;
  purposes?: ReadonlySet<string>;
  validFrom?: number;
  expires?: number;
  covers?: ReadonlySet<string> | null;
}

export type AgreementCommand =
  | { name: "show" }
  | { name: "rotate-key" }
  | { name: "pause" | "resume" | "revoke"; partner: string }
  | { name: "set"; partner: string; changes: TermsChanges };

export interface AgreementInvocation {
  nation: NationCode;
  dataRoot: string;
  keysDir: string;
  command: AgreementCommand;
}

/** What the arguments are checked against. */
export interface ArgsContext {
  env: NodeJS.ProcessEnv;
  defaults: { dataRoot: string; keysDir: string };
  purposes: Purposes;
  /** Every nation that can be a partner. */
  knownNations: ReadonlySet<string>;
  /** Epoch ms. */
  now: number;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO 8601 / RFC 3339: seconds and their fraction optional, the zone required (Z, or an offset: +02:00, +0200, +02). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const COVERED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const PARTNER_COMMANDS = ["pause", "resume", "revoke", "set"] as const;

const parseOptions = (args: readonly string[]) =>
  parseCommandLine({
    args: [...args],
    strict: true,
    allowPositionals: true,
    tokens: true,
    options: {
      nation: { type: "string" },
      "data-root": { type: "string" },
      "keys-dir": { type: "string" },
      ceiling: { type: "string" },
      purposes: { type: "string" },
      expires: { type: "string" },
      "valid-from": { type: "string" },
      covers: { type: "string" },
    },
  });
type Values = ReturnType<typeof parseOptions>["values"];

const list = (value: string): string[] =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/** Midnight UTC of a calendar date, in epoch ms; undefined for a date that does not exist (30 February). */
function calendarDay(year: number, month: number, day: number): number | undefined {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date.getTime() : undefined;
}

/**
 * A date (UTC) or a date-time with its zone (Z or an offset), in epoch ms; a
 * date alone is its first instant, or with `endOfDay` the next day's. The
 * date is checked as written, before the offset moves it to UTC.
 */
export function parseInstant(option: string, value: string, endOfDay: boolean): number {
  const parts = DATE.exec(value) ?? DATE_TIME.exec(value);
  if (parts === null) {
    throw new UsageError(`${option} ${value} is not a date (2027-06-30) or a date-time with its zone (2027-06-30T12:00Z)`);
  }
  const [, year, month, day, hour, minute, second = "0", fraction = "", utc, sign, offsetHours = "0", offsetMinutes = "0"] = parts;
  const midnight = calendarDay(Number(year), Number(month), Number(day));
  if (midnight === undefined) throw new UsageError(`${option} ${value} is not a calendar date`);
  if (hour === undefined) return endOfDay ? midnight + DAY_MS : midnight;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) throw new UsageError(`${option} ${value} is not a time of day`);
  if (utc === undefined && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) {
    throw new UsageError(`${option} ${value} has no valid offset from UTC (such as +02:00)`);
  }
  const offset = (sign === "-" ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  const milliseconds = Number(fraction.padEnd(3, "0").slice(0, 3));
  return midnight + ((Number(hour) * 60 + Number(minute)) * 60 + Number(second)) * 1000 + milliseconds - offset;
}

function nationOf(values: Values): NationCode {
  const nation = values.nation?.toUpperCase();
  if (nation === undefined) throw new UsageError(`--nation is required: one of ${NATIONS.join(", ")}`);
  if (!isNationCode(nation))
    throw new UsageError(`--nation ${values.nation} is not a nation that publishes agreements (${NATIONS.join(", ")})`);
  return nation;
}

function partnerOf(command: string, value: string | undefined, nation: string, context: ArgsContext): string {
  if (value === undefined) throw new UsageError(`${command} needs a partner nation, such as ${nation === "GBR" ? "FRA" : "GBR"}`);
  const partner = value.toUpperCase();
  if (!context.knownNations.has(partner)) throw new UsageError(`${value} is not a known nation (ISO 3166 alpha-3 code of a partner)`);
  if (partner === nation) throw new UsageError(`${partner} is the document's own nation, which needs no agreement with itself`);
  return partner;
}

function purposesOf(value: string, context: ArgsContext): Set<string> {
  const codes = list(value.toUpperCase());
  if (codes.length === 0) throw new UsageError("--purposes must name at least one purpose of use, such as CT");
  const unknown = codes.filter((code) => !context.purposes.has(code));
  if (unknown.length > 0) {
    throw new UsageError(`unknown purpose ${unknown.join(", ")}: config/purposes.json lists ${[...context.purposes.keys()].join(", ")}`);
  }
  return new Set(codes);
}

function coversOf(value: string): Set<string> | null {
  if (value.trim() === "*") return null;
  const covered = list(value);
  if (covered.length === 0) throw new UsageError("--covers must name at least one Type or Type.field, or be '*' for every type");
  const bad = covered.filter((item) => !COVERED.test(item));
  if (bad.length > 0) throw new UsageError(`--covers ${bad.join(", ")}: each must be a Type or a Type.field`);
  return new Set(covered);
}

function changesOf(values: Values, context: ArgsContext): TermsChanges {
  const changes: TermsChanges = {};
  if (values.ceiling !== undefined) {
    const ceiling = values.ceiling.toUpperCase();
    if (!isClassification(ceiling))
      throw new UsageError(`--ceiling ${values.ceiling} is not a level: one of ${CLASSIFICATIONS.join(", ")}`);
    changes.ceiling = ceiling;
  }
  if (values.purposes !== undefined) changes.purposes = purposesOf(values.purposes, context);
  const startOfToday = Math.floor(context.now / DAY_MS) * DAY_MS;
  if (values["valid-from"] !== undefined) {
    changes.validFrom = parseInstant("--valid-from", values["valid-from"], false);
    if (changes.validFrom < startOfToday) throw new UsageError(`--valid-from ${values["valid-from"]} is in the past`);
  }
  if (values.expires !== undefined) {
    changes.expires = parseInstant("--expires", values.expires, true);
    if (changes.expires <= context.now) throw new UsageError(`--expires ${values.expires} is in the past`);
  }
  if (changes.validFrom !== undefined && changes.expires !== undefined && changes.expires <= changes.validFrom) {
    throw new UsageError(`--expires ${values.expires} is not after --valid-from ${values["valid-from"]}`);
  }
  if (values.covers !== undefined) changes.covers = coversOf(values.covers);
  if (Object.keys(changes).length === 0)
    throw new UsageError("set changes nothing: give --ceiling, --purposes, --expires, --valid-from or --covers");
  return changes;
}

const TERM_OPTIONS = ["ceiling", "purposes", "expires", "valid-from", "covers"] as const;

function commandOf(positionals: string[], values: Values, nation: string, context: ArgsContext): AgreementCommand {
  const [name, partner, ...extra] = positionals;
  if (name === undefined) throw new UsageError("no command: show, pause, resume, set, revoke or rotate-key");
  const isPartnerCommand = (PARTNER_COMMANDS as readonly string[]).includes(name);
  if (!isPartnerCommand && name !== "show" && name !== "rotate-key") throw new UsageError(`unknown command ${name}`);
  const surplus = isPartnerCommand ? extra : [partner, ...extra].filter((item) => item !== undefined);
  if (surplus.length > 0)
    throw new UsageError(`${name} takes ${isPartnerCommand ? "one partner" : "no argument"}; ${surplus[0]} is one too many`);
  const given = TERM_OPTIONS.find((option) => values[option] !== undefined);
  if (name !== "set" && given) throw new UsageError(`--${given} only goes with set`);
  if (name === "show" || name === "rotate-key") return { name };
  const nationPartner = partnerOf(name, partner, nation, context);
  if (name === "set") return { name, partner: nationPartner, changes: changesOf(values, context) };
  return { name: name as "pause" | "resume" | "revoke", partner: nationPartner };
}

/**
 * The folder an option names, else the environment variable (empty is unset),
 * else the default. It must be a folder this process can read, if it exists:
 * one that does not is for the command to report (no document, no key).
 */
export function folderOf(option: string, given: string | undefined, variable: string, env: NodeJS.ProcessEnv, fallback: string): string {
  if (given !== undefined && given.trim() === "") throw new UsageError(`${option} is empty: it names a folder`);
  const fromEnv = env[variable];
  const [source, path]: [string, string] =
    given !== undefined ? [option, given] : fromEnv ? [variable, fromEnv] : ["default folder", fallback];
  let isFolder: boolean;
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) return path;
    isFolder = stats.isDirectory();
    if (isFolder) accessSync(path, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw new UsageError(`${source} ${path} cannot be used (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!isFolder) throw new UsageError(`${source} ${path} is not a folder`);
  return path;
}

/** The invocation a command line asks for; throws a UsageError for anything wrong with it. */
export function parseAgreementArgs(args: readonly string[], context: ArgsContext): AgreementInvocation {
  const { values, positionals, tokens } = parseOptions(args);
  refuseRepeatedOptions(tokens);
  const nation = nationOf(values);
  return {
    nation,
    dataRoot: folderOf("--data-root", values["data-root"], "DATA_ROOT", context.env, context.defaults.dataRoot),
    keysDir: folderOf("--keys-dir", values["keys-dir"], "KEYS_DIR", context.env, context.defaults.keysDir),
    command: commandOf(positionals, values, nation, context),
  };
}
