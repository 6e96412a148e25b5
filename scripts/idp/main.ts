// The development identity provider as its own process: `tsx scripts/idp/main.ts`.
import { z } from "zod";
import { exitOnConfigError, parseConfig, portSetting } from "../../lib/config.js";
import { announceReady, onShutdown } from "../../lib/lifecycle.js";
import { DEFAULT_KEYS_DIR } from "./keys.js";
import { startDevIdp } from "./server.js";

const idpEnv = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: portSetting(4100),
  KEYS_DIR: z.string().min(1).default(DEFAULT_KEYS_DIR),
});

let env: z.infer<typeof idpEnv>;
try {
  env = parseConfig(idpEnv, process.env, "dev IdP");
} catch (error) {
  exitOnConfigError(error);
}

const idp = await startDevIdp({ host: env.HOST, port: env.PORT, keysDir: env.KEYS_DIR }).catch((error: unknown) => {
  console.error(`dev IdP did not start: ${(error as Error).message}`);
  process.exit(1);
});
// stdout carries only the ready line; a launcher reads it.
console.error(`dev IdP: keys in ${env.KEYS_DIR}; a gateway trusts it with ISSUERS='${JSON.stringify(idp.issuers())}'`);
announceReady("idp", idp.url);
onShutdown(() => idp.close());
