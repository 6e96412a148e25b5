import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseConfig, portSetting } from "../../lib/config.js";
import { defaultSubgraphPort, type NationCode } from "../nations.js";
import type { DatabaseLocation } from "./database.js";

const DATA_ROOT = fileURLToPath(new URL("../../.data/", import.meta.url));

export interface NationConfig {
  host: string;
  port: number;
  database: DatabaseLocation;
  /** Benchmarks only: answer repeated reads from memory. */
  memoryCache: boolean;
}

/**
 * A nation subgraph's settings, from its process environment: PORT, HOST, and
 * DATABASE_URL (a real PostgreSQL) or DATA_DIR (PGlite; default .data/<NATION>).
 */
export function loadNationConfig(nation: NationCode, env: NodeJS.ProcessEnv = process.env): NationConfig {
  const schema = z.object({
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: portSetting(defaultSubgraphPort(nation)),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }).optional(),
    DATA_DIR: z.string().min(1).default(`${DATA_ROOT}${nation}`),
    MEMORY_CACHE: z.enum(["true", "false"], { error: "must be true or false" }).default("false"),
  });
  const parsed = parseConfig(schema, env, `${nation} subgraph`);
  return {
    host: parsed.HOST,
    port: parsed.PORT,
    database: parsed.DATABASE_URL ? { databaseUrl: parsed.DATABASE_URL } : { dataDir: parsed.DATA_DIR },
    memoryCache: parsed.MEMORY_CACHE === "true",
  };
}
