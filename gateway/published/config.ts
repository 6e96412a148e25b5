import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, parseConfig } from "../../lib/config.js";
import { besideFile, jwksSource, nationCode, parseJsonSetting } from "../../lib/trust-config.js";

const publishedSource = z.strictObject({
  nation: nationCode,
  /** Where the nation serves the signed document (its subgraph's GET /agreements, GET /revocations). */
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  /** The nation's agreement keys (Ed25519 public JWKS): never its token keys. */
  keys: jwksSource,
});

const publishedSources = z.array(publishedSource).superRefine((sources, context) => {
  const seen = new Set<string>();
  sources.forEach((source, index) => {
    if (seen.has(source.nation))
      context.addIssue({ code: "custom", path: [index, "nation"], message: `duplicate nation "${source.nation}"` });
    seen.add(source.nation);
  });
});

/** Where one nation publishes a kind of signed document, and the keys that sign it. */
export type PublishedSource = z.infer<typeof publishedSource>;

/**
 * The sources of one kind of document from `<NAME>_FILE` (JSON) or `<NAME>`
 * (inline JSON), such as AGREEMENTS; with neither, none (the caller says what
 * that means). Key files named in the file are found next to it.
 */
export function loadPublishedSources(env: NodeJS.ProcessEnv, name: string): PublishedSource[] {
  const file = env[`${name}_FILE`]?.trim();
  const inline = env[name]?.trim();
  if (file && inline) throw new ConfigError(`Set ${name}_FILE or ${name}, not both`);
  const what = name.toLowerCase();
  if (inline) return parseConfig(publishedSources, parseJsonSetting(inline, name), what);
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`${name}_FILE ${file} cannot be read: ${(error as Error).message}`);
  }
  return parseConfig(publishedSources, parseJsonSetting(text, `${name}_FILE ${file}`), what).map((source) => ({
    ...source,
    keys: besideFile(source.keys, file),
  }));
}
