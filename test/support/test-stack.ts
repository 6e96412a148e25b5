import { startStack, type Stack } from "../../scripts/stack/stack.js";
import { spawnService, type ServiceProcess } from "../../scripts/stack/service-process.js";
import { NATIONS, type NationCode } from "../../subgraphs/nations.js";
import { freshDataRoot } from "./data-root.js";

const logLines: string[] = [];
const keepLog = (line: string) => {
  logLines.push(line);
  if (process.env.TEARLINE_TEST_LOG) console.error(line);
};

/** The whole stack on ephemeral loopback ports, with fresh seeded databases. */
export async function startTestStack(gatewayEnv: NodeJS.ProcessEnv = {}): Promise<Stack> {
  return startStack({
    gatewayPort: 0,
    subgraphPorts: Object.fromEntries(NATIONS.map((nation) => [nation, 0])) as Record<NationCode, number>,
    dataRoot: await freshDataRoot(),
    gatewayEnv,
    log: keepLog,
  });
}

/** One more gateway process in front of running subgraphs, with its own settings. */
export function startExtraGateway(stack: Stack, env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const urls = Object.fromEntries(NATIONS.map((nation) => [`SUBGRAPH_URL_${nation}`, stack.subgraphs[nation].url]));
  return spawnService({
    name: "gateway-extra",
    entry: "gateway/main.ts",
    env: { ...process.env, ...urls, HOST: "127.0.0.1", PORT: "0", ...env },
    readyTimeoutMs: 60_000,
    log: keepLog,
  }).ready;
}

/** What the services have logged so far, for assertions about what stayed server-side. */
export const serviceLog = () => logLines.join("\n");
