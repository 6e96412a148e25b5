// `npm run purge -- --nation FRA`: deletes the nation's records that its retention periods have expired.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../lib/config.js";
import { isNationCode, NATIONS, type NationCode } from "../subgraphs/nations.js";
import { loadNationStorage } from "../subgraphs/shared/config.js";
import { openForMaintenance } from "../subgraphs/shared/nation-database.js";
import { loadRetentionFile, purgeExpired } from "../subgraphs/shared/retention.js";

const USAGE = `Usage: npm run purge -- --nation FRA
Deletes FRA's records older than its retention periods (RETENTION_FILE, default subgraphs/FRA/retention.json),
in one transaction, and prints how many of each record type. The database is the subgraph's: FRA_DATABASE_URL
or DATABASE_URL (PostgreSQL; the subgraph may keep running), else the PGlite database in DATA_DIR (default
DATA_ROOT/FRA, DATA_ROOT .data), which is refused while the subgraph has it open.`;

/** The nation's storage settings as its subgraph sees them under `npm start` (FRA_DATABASE_URL, DATA_ROOT) or alone. */
function storageEnv(nation: NationCode, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const databaseUrl = env[`${nation}_DATABASE_URL`] || env.DATABASE_URL;
  const dataDir = env.DATA_DIR || (env.DATA_ROOT ? join(env.DATA_ROOT, nation) : undefined);
  return { DATABASE_URL: databaseUrl || undefined, DATA_DIR: dataDir, RETENTION_FILE: env.RETENTION_FILE || undefined };
}

async function purge(nation: NationCode): Promise<string> {
  const storage = loadNationStorage(nation, storageEnv(nation, process.env));
  const retention = loadRetentionFile(storage.retentionFile, nation);
  const db = await openForMaintenance(nation, storage.database);
  const at = new Date().toISOString();
  let deleted: Map<string, number>;
  try {
    deleted = await purgeExpired(db, nation, retention);
  } finally {
    await db.close();
  }
  const width = Math.max(...[...deleted.keys()].map((type) => type.length));
  const lines = [...deleted].map(([type, n]) => `  ${type.padEnd(width)}  ${retention.get(type)!.text.padEnd(8)}  ${n} deleted`);
  return [`${nation} purge at ${at}, retention ${storage.retentionFile}:`, ...lines].join("\n");
}

const args = process.argv.slice(2);
let nation: string | undefined;
try {
  ({ nation } = parseArgs({ args, strict: true, options: { nation: { type: "string" }, help: { type: "boolean", short: "h" } } }).values);
} catch (error) {
  console.error(`purge: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
} else if (nation === undefined || !isNationCode(nation)) {
  console.error(`purge: --nation must be one of ${NATIONS.join(", ")}\n${USAGE}`);
  process.exitCode = 2;
} else {
  try {
    console.log(await purge(nation));
  } catch (error) {
    // One line, as the agreement CLI: operators grep logs, and scripts read the exit code (2: refused, 1: failed).
    const message = (error instanceof Error ? error.message : String(error)).replace(/(:?)\s*\n\s*(?:- )?/g, (_, colon) =>
      colon ? ": " : "; ",
    );
    console.error(`purge: ${message}`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
  }
}
