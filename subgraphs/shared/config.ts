import { fileURLToPath } from "node:url";
import { z } from "zod";
import { logLevelSetting, parseConfig, portSetting } from "../../lib/config.js";
import type { LogLevel } from "../../lib/logger.js";
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
}

/**
 * A nation subgraph's settings, from its process environment: PORT, HOST, and
 * DATABASE_URL (a real PostgreSQL), and DATA_DIR (default .data/<NATION>): the
 * nation's own files, its signed agreements always and its PGlite database
 * when there is no DATABASE_URL.
 */
export function loadNationConfig(nation: NationCode, env: NodeJS.ProcessEnv = process.env): NationConfig {
  const schema = z.object({
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: portSetting(defaultSubgraphPort(nation)),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }).optional(),
    DATA_DIR: z.string().min(1).default(`${DATA_ROOT}${nation}`),
    LOG_LEVEL: logLevelSetting(),
  });
  const parsed = parseConfig(schema, env, `${nation} subgraph`);
  return {
    host: parsed.HOST,
    port: parsed.PORT,
    database: parsed.DATABASE_URL ? { databaseUrl: parsed.DATABASE_URL } : { dataDir: parsed.DATA_DIR },
    dataDir: parsed.DATA_DIR,
    logLevel: parsed.LOG_LEVEL,
  };
}
