// `npm run gateway-key -- rotate`: the operator's command for the key the gateway signs subgraph envelopes with.
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { acquireLockFile, LockFileBusy, readIfPresent } from "../../lib/atomic-files.js";
import { envelopeSigningKeyOf } from "../../lib/envelope-key.js";
import { ed25519PublicJwks } from "../../lib/jwks-keys.js";
import { DEFAULT_KEYS_DIR } from "../idp/keys.js";
import {
  activateNextKey,
  addNextKey,
  archivedKeys,
  DEFAULT_ROTATION_WAIT_MS,
  gatewayArchivePath,
  gatewayJwksPath,
  gatewayPrivateKeyPath,
  retireOtherKeys,
} from "./keys.js";

const USAGE = `Usage: npm run gateway-key -- <command> [--keys-dir .keys] [--wait ${DEFAULT_ROTATION_WAIT_MS / 1000}]
  show       the kid the gateway signs with, the kids its public JWKS names, and every kid it has had
  rotate     add, wait, activate, wait, retire: a new key, nothing restarted
  add        step 1: a next key, published in the JWKS beside the current one
  activate   step 2: the gateway signs with the next key (within a second)
  retire     step 3: the JWKS names the current key alone
--wait: rotate's pause, in seconds, after add (until every subgraph trusts the new key: a JWKS URL is
read again within 60 s) and after activate (until envelopes signed with the old key have expired).
KEYS_DIR sets the folder too.`;

const COMMANDS = ["show", "rotate", "add", "activate", "retire"] as const;
type Command = (typeof COMMANDS)[number];

function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { "keys-dir": { type: "string" }, wait: { type: "string" } }, allowPositionals: true });
  } catch (error) {
    return usageError((error as Error).message);
  }
})();
const command = positionals[0] as Command;
if (positionals.length !== 1 || !COMMANDS.includes(command)) usageError("name one command");
const keysDir = values["keys-dir"] ?? process.env.KEYS_DIR ?? DEFAULT_KEYS_DIR;
const waitMs = values.wait === undefined ? DEFAULT_ROTATION_WAIT_MS : Number(values.wait) * 1000;
if (!Number.isFinite(waitMs) || waitMs < 0) usageError("--wait takes a number of seconds");

const say = (line: string) => console.log(line);
const pause = async (why: string) => {
  say(`waiting ${waitMs / 1000} s: ${why}`);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
};

async function show(): Promise<void> {
  const privateText = await readIfPresent(gatewayPrivateKeyPath(keysDir));
  const signing = privateText === undefined ? "none yet (npm start creates it)" : envelopeSigningKeyOf(privateText).kid;
  const text = await readIfPresent(gatewayJwksPath(keysDir));
  const published = text === undefined ? [] : [...ed25519PublicJwks(JSON.parse(text)).keys()];
  say(`signing key  ${signing}  (${gatewayPrivateKeyPath(keysDir)})`);
  say(`published    ${published.join(", ")}  (${gatewayJwksPath(keysDir)})`);
  // Retired keys stay here: they verify the audit checkpoints they signed.
  say(`archived     ${(await archivedKeys(keysDir)).map((jwk) => jwk.kid).join(", ")}  (${gatewayArchivePath(keysDir)})`);
}

async function run(): Promise<void> {
  if (command === "show") return show();
  if (command === "add" || command === "rotate") say(`next key ${(await addNextKey(keysDir)).kid} published beside the current one`);
  if (command === "rotate") await pause("every subgraph must trust the new key before the gateway signs with it");
  if (command === "activate" || command === "rotate") say(`the gateway signs with ${(await activateNextKey(keysDir)).kid} from now on`);
  if (command === "rotate") await pause("envelopes signed with the old key must expire before it is withdrawn");
  if (command === "retire" || command === "rotate") say(`the JWKS names ${(await retireOtherKeys(keysDir)).kid} alone`);
}

// One command at a time: a rotation interleaved with another would publish or retire the wrong key.
const lockPath = join(dirname(gatewayPrivateKeyPath(keysDir)), "command.lock");
await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
let release: () => Promise<void>;
try {
  release = await acquireLockFile(lockPath, { waitMs: 5000, retryMs: 100, staleMs: 10_000 });
} catch (error) {
  if (error instanceof LockFileBusy) usageError("another gateway-key command is running");
  throw error;
}
try {
  await run();
} catch (error) {
  console.error(`gateway-key ${command}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await release();
}
