import { fileURLToPath } from "node:url";
import { z } from "zod";
import { logLevelSetting, parseConfig, portSetting } from "../../lib/config.js";
import type { LogLevel } from "../../lib/logger.js";
import { type JwksSource, jwksSource, parseJsonSetting } from "../../lib/trust-config.js";
import { defaultSubgraphPort, type NationCode } from "../nations.js";
import type { DatabaseLocation } from "./database.js";

const DATA_ROOT = fileURLToPath(new URL("../../.data/", import.meta.url));

export interface NationConfig {
  host: string;
  port: number;
  database: DatabaseLocation;
  /** The nation's own files (its signed agreements; its PGlite database unless DATABASE_URL is set). */
  dataDir: string;
  logLevel: LogLevel;
  /** The gateway's public envelope keys: the only signer this nation's subgraph accepts requests from. */
  gatewayKeys: JwksSource;
  /** This nation's own public agreement keys: its subgraph enforces only the agreements signed with them. */
  agreementKeys: JwksSource;
  /** The nation's retention periods per record type (a JSON file; see retention.ts). */
  retentionFile: string;
}

/** A JSON setting that names where a set of public keys is read from. */
const keysSetting = (name: string) =>
  z.string({ error: `${name} is required: { "file": a JWKS file } or { "url": a JWKS URL }` }).transform((text, ctx) => {
    try {
      const parsed = jwksSource.safeParse(parseJsonSetting(text, name));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: "custom", message: parsed.error.issues[0]?.message ?? "invalid" });
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
    return z.NEVER;
  });

/**
 * A nation subgraph's settings, from its process environment: PORT, HOST, and
 * DATABASE_URL (a real PostgreSQL), and DATA_DIR (default .data/<NATION>): the
 * nation's own files, its signed agreements always and its PGlite database
 * when there is no DATABASE_URL. GATEWAY_KEYS and AGREEMENT_KEYS (required,
 * no default: a subgraph that does not know whom to trust does not start) are
 * JSON key sources; RETENTION_FILE defaults to subgraphs/<NATION>/retention.json.
 */
export function loadNationConfig(nation: NationCode, env: NodeJS.ProcessEnv = process.env): NationConfig {
  const schema = z.object({
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: portSetting(defaultSubgraphPort(nation)),
    ...storageSettings(nation),
    LOG_LEVEL: logLevelSetting(),
    GATEWAY_KEYS: keysSetting("GATEWAY_KEYS"),
    AGREEMENT_KEYS: keysSetting("AGREEMENT_KEYS"),
  });
  const parsed = parseConfig(schema, env, `${nation} subgraph`);
  return {
    host: parsed.HOST,
    port: parsed.PORT,
    ...storageOf(parsed),
    logLevel: parsed.LOG_LEVEL,
    gatewayKeys: parsed.GATEWAY_KEYS,
    agreementKeys: parsed.AGREEMENT_KEYS,
  };
}

/** Where a nation's records are and how long it keeps them: the settings its subgraph and `npm run purge` share. */
export type NationStorage = Pick<NationConfig, "database" | "dataDir" | "retentionFile">;

const storageSettings = (nation: NationCode) => ({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }).optional(),
  DATA_DIR: z.string().min(1).default(`${DATA_ROOT}${nation}`),
  RETENTION_FILE: z
    .string()
    .min(1)
    .default(fileURLToPath(new URL(`../${nation}/retention.json`, import.meta.url))),
});

const storageOf = (parsed: { DATABASE_URL?: string | undefined; DATA_DIR: string; RETENTION_FILE: string }): NationStorage => ({
  database: parsed.DATABASE_URL ? { databaseUrl: parsed.DATABASE_URL } : { dataDir: parsed.DATA_DIR },
  dataDir: parsed.DATA_DIR,
  retentionFile: parsed.RETENTION_FILE,
});

/** DATABASE_URL, DATA_DIR and RETENTION_FILE alone, as the subgraph reads them. */
export function loadNationStorage(nation: NationCode, env: NodeJS.ProcessEnv = process.env): NationStorage {
  return storageOf(parseConfig(z.object(storageSettings(nation)), env, `${nation} storage`));
}
