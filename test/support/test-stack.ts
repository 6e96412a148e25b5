import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Classification } from "@tearline/policy";
import { signDevToken } from "../../scripts/idp/sign.js";
import { type ServiceProcess, spawnService } from "../../scripts/stack/service-process.js";
import { type Stack, startStack } from "../../scripts/stack/stack.js";
import { NATIONS, type NationCode } from "../../subgraphs/nations.js";
import { freshDataRoot } from "./data-root.js";

const logLines: string[] = [];
const keepLog = (line: string) => {
  logLines.push(line);
  if (process.env.TEARLINE_TEST_LOG) console.error(line);
};

export interface Caller {
  nation: NationCode;
  clearance: Classification;
  purposes: string[];
  /** The purpose declared in X-Purpose; default the first of `purposes`. */
  purpose?: string;
  compartments?: string[];
  scope?: string;
}

export interface TestStack extends Stack {
  /** Where the dev IdP keeps each nation's signing key (and each nation's agreement key, under agreements/). */
  keysDir: string;
  /** Each nation's data directory (its database and its signed agreements) is <dataRoot>/<NATION>. */
  dataRoot: string;
  /** Request headers of a caller: a real token signed by the nation's dev IdP key, and X-Purpose. */
  headers(caller: Caller): Promise<Record<string, string>>;
}

export interface TestStackOptions {
  gatewayEnv?: NodeJS.ProcessEnv;
  /** Nations on a real PostgreSQL instead of fresh PGlite databases. */
  databaseUrls?: Partial<Record<NationCode, string>>;
  /** Every service from its bundle, as `npm start` runs it, rather than under tsx. */
  built?: boolean;
}

/** A caller cleared for everything the example operations ask for. */
export const FULLY_CLEARED: Caller = {
  nation: "DEU",
  clearance: "TOP_SECRET",
  purposes: ["CT", "CYBER"],
  compartments: ["ORCHID", "HARBOR"],
  scope: "watchlist:read",
};

/** The whole stack on ephemeral loopback ports, with fresh seeded databases and fresh IdP keys. */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const keysDir = mkdtempSync(join(tmpdir(), "tearline-keys-"));
  // Nations on PostgreSQL still keep their signed agreements in a data directory: a fresh, empty one.
  const dataRoot = options.databaseUrls ? mkdtempSync(join(tmpdir(), "tearline-data-")) : await freshDataRoot();
  // Four seeded nations take about 155 MB: left behind, every run of the suite kept gigabytes of them.
  const remove = () => {
    rmSync(dataRoot, { recursive: true, force: true });
    rmSync(keysDir, { recursive: true, force: true });
  };
  const stack = await startStack({
    gatewayPort: 0,
    idpPort: 0,
    keysDir,
    subgraphPorts: Object.fromEntries(NATIONS.map((nation) => [nation, 0])) as Record<NationCode, number>,
    dataRoot,
    databaseUrls: options.databaseUrls,
    gatewayEnv: options.gatewayEnv,
    built: options.built,
    log: keepLog,
  }).catch((error: unknown) => {
    remove();
    throw error;
  });
  return {
    ...stack,
    keysDir,
    dataRoot,
    async stop() {
      try {
        await stack.stop();
      } finally {
        remove();
      }
    },
    async headers(caller) {
      const token = await signDevToken({ keysDir, ttlSeconds: 600, ...caller });
      return { authorization: `Bearer ${token}`, "x-purpose": caller.purpose ?? caller.purposes[0]! };
    },
  };
}

/** One more gateway process in front of the running subgraphs and IdP, with its own settings. */
export function startExtraGateway(stack: Stack, env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const urls = Object.fromEntries(NATIONS.map((nation) => [`SUBGRAPH_URL_${nation}`, stack.subgraphs[nation].url]));
  return spawnService({
    name: "gateway-extra",
    entry: "gateway/main.ts",
    env: { ...process.env, ...stack.gatewayEnv, ...urls, HOST: "127.0.0.1", PORT: "0", ...env },
    readyTimeoutMs: 60_000,
    log: keepLog,
  }).ready;
}

/** What the services have logged so far, for assertions about what stayed server-side. */
export const serviceLog = () => logLines.join("\n");
