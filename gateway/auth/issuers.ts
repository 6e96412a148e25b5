import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, parseConfig } from "../../lib/config.js";
import { besideFile, jwksSource, nationCode, parseJsonSetting } from "../../lib/trust-config.js";

/** Signature algorithms an issuer may be trusted for; never a MAC, never `none`. */
export const ISSUER_ALGORITHMS = ["ES256", "EdDSA", "RS256"] as const;
export type IssuerAlgorithm = (typeof ISSUER_ALGORITHMS)[number];

const trustedIssuer = z.strictObject({
  issuer: z.string().min(1, "must be the exact iss of the issuer's tokens"),
  nation: nationCode,
  jwks: jwksSource,
  algorithms: z.array(z.enum(ISSUER_ALGORITHMS)).min(1, "must name at least one algorithm"),
});

const trustedIssuers = z
  .array(trustedIssuer)
  .min(1, "at least one trusted issuer is required")
  .superRefine((issuers, context) => {
    const seen = new Set<string>();
    issuers.forEach((entry, index) => {
      // Two entries for one iss would make the nation of its tokens ambiguous.
      if (seen.has(entry.issuer))
        context.addIssue({ code: "custom", path: [index, "issuer"], message: `duplicate issuer "${entry.issuer}"` });
      seen.add(entry.issuer);
    });
  });

/**
 * An identity provider whose tokens the gateway accepts. The nation of every
 * caller it vouches for is `nation` here, whatever its tokens claim.
 */
export type TrustedIssuer = z.infer<typeof trustedIssuer>;

/** Validates a list of trusted issuers; throws a ConfigError naming every bad entry. */
export function parseIssuers(input: unknown): TrustedIssuer[] {
  return parseConfig(trustedIssuers, input, "trusted issuers");
}

function readIssuersFile(path: string): TrustedIssuer[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`ISSUERS_FILE ${path} cannot be read: ${(error as Error).message}`);
  }
  // A key file named in the issuers file is found next to it, wherever the gateway was started.
  return parseIssuers(parseJsonSetting(text, `ISSUERS_FILE ${path}`)).map((entry) => ({ ...entry, jwks: besideFile(entry.jwks, path) }));
}

/**
 * The trusted issuers from ISSUERS_FILE (a JSON file) or ISSUERS (inline JSON).
 * With neither the gateway refuses to start rather than accept no one silently.
 */
export function loadIssuers(env: NodeJS.ProcessEnv = process.env): TrustedIssuer[] {
  const file = env.ISSUERS_FILE?.trim();
  const inline = env.ISSUERS?.trim();
  if (file && inline) throw new ConfigError("Set ISSUERS_FILE or ISSUERS, not both");
  if (file) return readIssuersFile(file);
  if (inline) return parseIssuers(parseJsonSetting(inline, "ISSUERS"));
  throw new ConfigError("no trusted issuers configured: set ISSUERS_FILE (a JSON file) or ISSUERS (inline JSON)");
}
