// `npm start`: every nation's subgraph with its database and seed data, then the gateway.
import { z } from "zod";
import { exitOnConfigError, parseConfig, portSetting } from "../lib/config.js";
import { onShutdown } from "../lib/lifecycle.js";
import { defaultSubgraphPort, NATIONS, type NationCode } from "../subgraphs/nations.js";
import { DEFAULT_DATA_ROOT } from "./agreement/document-file.js";
import { DEFAULT_KEYS_DIR } from "./idp/keys.js";
import { startStack } from "./stack/stack.js";

const nationSettings = Object.fromEntries(
  NATIONS.flatMap((nation) => [
    [`${nation}_PORT`, portSetting(defaultSubgraphPort(nation))],
    [`${nation}_DATABASE_URL`, z.string().optional()],
  ]),
);
const startEnv = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  GATEWAY_PORT: portSetting(4000),
  IDP_PORT: portSetting(4100),
  DATA_ROOT: z.string().min(1).default(DEFAULT_DATA_ROOT),
  KEYS_DIR: z.string().min(1).default(DEFAULT_KEYS_DIR),
  ...nationSettings,
});

// Read before anything else: the process that started this one (npm's shell), watched for once the stack is up.
const parent = process.ppid;

let env: Record<string, unknown>;
try {
  env = parseConfig(startEnv, process.env, "npm start");
} catch (error) {
  exitOnConfigError(error);
}

const perNation = <T>(key: string) =>
  Object.fromEntries(NATIONS.map((nation) => [nation, env[`${nation}_${key}`] as T])) as Record<NationCode, T>;

const dataRoot = env.DATA_ROOT as string;
const keysDir = env.KEYS_DIR as string;

console.log("Starting Tearline: subgraphs first (the first start initialises each nation's database)…");
const stack = await startStack({
  host: env.HOST as string,
  gatewayPort: env.GATEWAY_PORT as number,
  idpPort: env.IDP_PORT as number,
  dataRoot,
  keysDir,
  built: true,
  subgraphPorts: perNation<number>("PORT"),
  // Development: each analyst may ask for their own view of the schema (their editor's completion), unless told otherwise.
  gatewayEnv: { INTROSPECTION: process.env.INTROSPECTION ?? "true" },
  databaseUrls: Object.fromEntries(Object.entries(perNation<string | undefined>("DATABASE_URL")).filter(([, url]) => url)) as Partial<
    Record<NationCode, string>
  >,
}).catch((error: unknown) => {
  console.error(`Tearline did not start: ${(error as Error).message}`);
  process.exit(1);
});

console.log("");
for (const nation of NATIONS) console.log(`  ${nation} subgraph  ${stack.subgraphs[nation].url}`);
console.log(`  dev IdP       ${stack.idp.url}   (JWKS per nation; keys in ${keysDir})`);
console.log(`  gateway       ${stack.gateway.url}`);
console.log(`
Tearline is running. Ctrl-C stops everything. Query it with a token from a nation's dev IdP:
  TOKEN=$(npm run -s token -- --nation DEU --clearance SECRET --purposes CT,CYBER --scope "watchlist:read" --ttl 15m)
  curl -s ${stack.gateway.url} -H "authorization: Bearer $TOKEN" -H "x-purpose: CT" \\
       -H "content-type: application/json" -d '{"query":"{ threatActors(first: 2) { name assessment { threatLevel } } }"}'`);

onShutdown(async () => {
  console.log("\nStopping Tearline…");
  await stack.stop();
});

// npm runs this under `sh -c` and passes a SIGTERM on to that shell only, which ends and leaves this process and every
// service running without it (`docker stop` on a container whose command is `npm start`, say). Orphaned, it stops; if
// that happened while the stack was starting, as soon as it is up (`parent` was read before it started).
const orphanWatch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphanWatch);
  process.kill(process.pid, "SIGTERM");
}, 500);
orphanWatch.unref();
