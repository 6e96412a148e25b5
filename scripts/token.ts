// `npm run token -- --nation GBR --clearance SECRET --purposes CT`: prints a development bearer token, and nothing else.
import { DEFAULT_KEYS_DIR } from "./idp/keys.js";
import { signDevToken } from "./idp/sign.js";
import { parseTokenArgs, TOKEN_USAGE, UsageError } from "./idp/token-args.js";

try {
  const request = parseTokenArgs(process.argv.slice(2));
  const token = await signDevToken({ ...request, keysDir: process.env.KEYS_DIR || DEFAULT_KEYS_DIR });
  process.stdout.write(`${token}\n`);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${TOKEN_USAGE}`);
  process.exitCode = 2;
}
