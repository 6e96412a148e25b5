import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CHECKPOINTS_SUFFIX, type ChainFileSet, EVENTS_SUFFIX } from "../../lib/audit/read-chains.js";
import { type UnsignedLimits, unsignedLimits } from "../../lib/audit/verify-chain.js";
import { parseCommandLine, refuseRepeatedOptions, UsageError } from "../command-line.js";
import { gatewayArchivePath, gatewayJwksPath } from "../gateway-key/keys.js";
import { DEFAULT_KEYS_DIR } from "../idp/keys.js";

/** The gateway's own default (AUDIT_DIR), as seen from the repository. */
const DEFAULT_AUDIT_DIR = fileURLToPath(new URL("../../.data/audit", import.meta.url));

export const VERIFY_USAGE = `Usage: npm run audit:verify -- [<chain>.jsonl …] [--dir .data/audit | --database postgres://…]
                               [--keys <jwks.json> …] [--keys-dir .keys]
Verifies the audit trail chain by chain: every event's hash from the chain's start, and every checkpoint's
signature with the gateway's public keys. Default: every chain under AUDIT_DIR (else .data/audit), or with
AUDIT_STORE=postgres every chain in AUDIT_DATABASE_URL. Keys: .keys/gateway/jwks.json and archive.jwks.json
(retired keys, for checkpoints signed before a rotation); KEYS_DIR or --keys-dir sets the folder, --keys
names the key sets instead. A chain whose events after its last checkpoint are more, or span longer, than a
gateway leaves unsigned (AUDIT_CHECKPOINT_EVERY + 1000 events, AUDIT_CHECKPOINT_SECONDS + 60 s; read from
the environment as the gateway reads them, default 1000 and 10) is broken: its checkpoints were removed. Exit 0: every chain intact; 1: a chain broken (the first bad position is named)
or the trail unreadable; 2: bad usage.`;

export { UsageError };

export type ChainSourceOptions =
  | { kind: "folder"; dir: string }
  | { kind: "files"; files: ChainFileSet[] }
  | { kind: "database"; url: string };

export interface VerifyOptions {
  source: ChainSourceOptions;
  /** The key sets to trust; `required` ones must exist, the default ones may be missing. */
  keys: { files: string[]; required: boolean };
  /** The longest unsigned tail the gateway that wrote the chains can leave. */
  limits: UnsignedLimits;
}

/** A checkpoint setting from the environment, as the gateway reads it (a number in its range), else its default. */
function checkpointSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, integer: boolean): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value)))
    throw new UsageError(`${name} must be ${integer ? "an integer" : "a number"} of at least ${min}`);
  return value;
}

const limitsOf = (env: NodeJS.ProcessEnv): UnsignedLimits =>
  unsignedLimits(
    checkpointSetting(env, "AUDIT_CHECKPOINT_EVERY", 1000, 1, true),
    checkpointSetting(env, "AUDIT_CHECKPOINT_SECONDS", 10, 0.1, false),
  );

/** A chain named by either of its files: its events file `<chain>.jsonl`, or its checkpoints file beside it. */
function chainOfFile(path: string, base: string): ChainFileSet {
  const full = resolve(base, path);
  const name = basename(full);
  if (!name.endsWith(EVENTS_SUFFIX)) throw new UsageError(`${path} is not a chain file (<chain>.jsonl)`);
  const stem = full.slice(0, -(name.endsWith(CHECKPOINTS_SUFFIX) ? CHECKPOINTS_SUFFIX : EVENTS_SUFFIX).length);
  return { chain: basename(stem), events: `${stem}${EVENTS_SUFFIX}`, checkpoints: `${stem}${CHECKPOINTS_SUFFIX}` };
}

function databaseUrl(url: string, from: string): string {
  if (!/^postgres(ql)?:\/\/./.test(url)) throw new UsageError(`${from} must be a postgres:// URL`);
  return url;
}

function sourceOf(values: { dir?: string; database?: string }, files: string[], env: NodeJS.ProcessEnv, base: string): ChainSourceOptions {
  const named = [files.length > 0 && "chain files", values.dir !== undefined && "--dir", values.database !== undefined && "--database"];
  const given = named.filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one of ${given.join(", ")}, not several`);
  if (values.database !== undefined) return { kind: "database", url: databaseUrl(values.database, "--database") };
  if (values.dir !== undefined) {
    if (values.dir === "") throw new UsageError("--dir names a folder");
    return { kind: "folder", dir: resolve(base, values.dir) };
  }
  if (files.length > 0) {
    const chains = new Map(files.map((file) => chainOfFile(file, base)).map((chain) => [chain.events, chain]));
    return { kind: "files", files: [...chains.values()] };
  }
  const store = env.AUDIT_STORE || "file";
  if (store === "postgres") {
    if (!env.AUDIT_DATABASE_URL) throw new UsageError("AUDIT_STORE=postgres needs AUDIT_DATABASE_URL (or give --database)");
    return { kind: "database", url: databaseUrl(env.AUDIT_DATABASE_URL, "AUDIT_DATABASE_URL") };
  }
  if (store === "none") throw new UsageError("AUDIT_STORE=none keeps no audit trail: give --dir or --database");
  if (store !== "file") throw new UsageError("AUDIT_STORE must be file, postgres or none");
  return { kind: "folder", dir: resolve(env.AUDIT_DIR || DEFAULT_AUDIT_DIR) };
}

const parseOptions = (args: string[]) =>
  parseCommandLine({
    args,
    allowPositionals: true,
    tokens: true,
    options: {
      dir: { type: "string" },
      database: { type: "string" },
      keys: { type: "string", multiple: true },
      "keys-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });

/** The command's options from its arguments and environment; throws a UsageError. */
export function parseVerifyArgs(args: string[], env: NodeJS.ProcessEnv): VerifyOptions | "help" {
  const { values, positionals, tokens } = parseOptions(args);
  if (values.help) return "help";
  refuseRepeatedOptions(tokens, ["keys"]);
  // npm runs a script from the repository's root: paths on the command line are the caller's, from where npm was
  // called; paths in the environment are read from the root, as the gateway and the other scripts read them.
  const base = env.INIT_CWD || process.cwd();
  const source = sourceOf(values, positionals, env, base);
  const limits = limitsOf(env);
  if (values.keys !== undefined) {
    if (values["keys-dir"] !== undefined) throw new UsageError("give --keys or --keys-dir, not both");
    if (values.keys.some((file) => file === "")) throw new UsageError("--keys names a JWKS file");
    return { source, keys: { files: values.keys.map((file) => resolve(base, file)), required: true }, limits };
  }
  const keysDir = values["keys-dir"] ? resolve(base, values["keys-dir"]) : resolve(env.KEYS_DIR || DEFAULT_KEYS_DIR);
  return { source, keys: { files: [gatewayJwksPath(keysDir), gatewayArchivePath(keysDir)], required: false }, limits };
}
