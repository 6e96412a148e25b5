import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, parseConfig } from "../../lib/config.js";
import { besideFile, jwksSource, nationCode, parseJsonSetting } from "../../lib/trust-config.js";

const agreementSource = z.strictObject({
  nation: nationCode,
  /** Where the nation serves its signed document (its subgraph's GET /agreements). */
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  /** The nation's agreement keys (Ed25519 public JWKS): never its token keys. */
  keys: jwksSource,
});

const agreementSources = z.array(agreementSource).superRefine((sources, context) => {
  const seen = new Set<string>();
  sources.forEach((source, index) => {
    if (seen.has(source.nation))
      context.addIssue({ code: "custom", path: [index, "nation"], message: `duplicate nation "${source.nation}"` });
    seen.add(source.nation);
  });
});

/** Where one nation's sharing agreements and the keys that sign them are. */
export type AgreementSource = z.infer<typeof agreementSource>;

/**
 * The agreements trust from AGREEMENTS_FILE (JSON) or AGREEMENTS (inline
 * JSON). With neither, no nation has an agreement in force: every nation
 * reads only its own data (fail closed), and the gateway says so at start.
 */
export function loadAgreementSources(env: NodeJS.ProcessEnv = process.env): AgreementSource[] {
  const file = env.AGREEMENTS_FILE?.trim();
  const inline = env.AGREEMENTS?.trim();
  if (file && inline) throw new ConfigError("Set AGREEMENTS_FILE or AGREEMENTS, not both");
  if (inline) return parseConfig(agreementSources, parseJsonSetting(inline, "AGREEMENTS"), "agreements");
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`AGREEMENTS_FILE ${file} cannot be read: ${(error as Error).message}`);
  }
  return parseConfig(agreementSources, parseJsonSetting(text, `AGREEMENTS_FILE ${file}`), "agreements").map((source) => ({
    ...source,
    keys: besideFile(source.keys, file),
  }));
}
