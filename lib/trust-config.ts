import { dirname, resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "./config.js";

/** Where a set of public keys is read from: a JWKS URL, or a JWKS file. Shared by the issuers and the agreements trust. */
export const jwksSource = z.union(
  [
    z.strictObject({ url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }) }),
    z.strictObject({ file: z.string().min(1) }),
  ],
  { error: 'must be { "url": an http:// or https:// URL } or { "file": the path of a JWKS JSON file }' },
);
export type JwksSource = z.infer<typeof jwksSource>;

export const nationCode = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 3166 alpha-3 code such as GBR");

/** Parses a JSON setting, naming where it came from when it is not JSON. */
export function parseJsonSetting(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A key file named in a trust file is found next to that file, wherever the process was started. */
export const besideFile = <T extends { file: string } | { url: string }>(source: T, trustFile: string): T =>
  "file" in source ? { ...source, file: resolve(dirname(trustFile), source.file) } : source;
