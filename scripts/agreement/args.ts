import { parseArgs } from "node:util";
import { CLASSIFICATIONS, type Classification, isClassification } from "@tearline/policy";
import type { Purposes } from "../../lib/policy-files.js";
import { isNationCode, NATIONS, type NationCode } from "../../subgraphs/nations.js";

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

/** A command line that cannot be carried out; the CLI prints it on one line and exits 2. */
export class UsageError extends Error {}

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
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const COVERED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const PARTNER_COMMANDS = ["pause", "resume", "revoke", "set"] as const;

const parseOptions = (args: readonly string[]) =>
  parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
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

/** A date (UTC) or a date-time with its zone, in epoch ms; a date alone is its first instant, or with `endOfDay` the next day's. */
export function parseInstant(option: string, value: string, endOfDay: boolean): number {
  const dateOnly = DATE.test(value);
  if (!dateOnly && !DATE_TIME.test(value)) {
    throw new UsageError(`${option} ${value} is not a date (2027-06-30) or a date-time with its zone (2027-06-30T12:00Z)`);
  }
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  // Date.parse rolls 30 February over into March; a real date reads back the same.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value.slice(0, 10)) {
    throw new UsageError(`${option} ${value} is not a calendar date`);
  }
  return dateOnly && endOfDay ? ms + DAY_MS : ms;
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

/** The invocation a command line asks for; throws a UsageError for anything wrong with it. */
export function parseAgreementArgs(args: readonly string[], context: ArgsContext): AgreementInvocation {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    // Node's messages go on with advice about positionals; the first sentence says it.
    throw new UsageError((error as Error).message.split(". ")[0]!);
  }
  const { values, positionals } = parsed;
  const nation = nationOf(values);
  const folder = (option: string | undefined, variable: string | undefined, fallback: string) => option || variable || fallback;
  return {
    nation,
    dataRoot: folder(values["data-root"], context.env.DATA_ROOT, context.defaults.dataRoot),
    keysDir: folder(values["keys-dir"], context.env.KEYS_DIR, context.defaults.keysDir),
    command: commandOf(positionals, values, nation, context),
  };
}
