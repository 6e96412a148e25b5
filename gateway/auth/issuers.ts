import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, parseConfig } from "../../lib/config.js";
import { besideFile, jwksSource, nationCode, parseJsonSetting } from "../../lib/trust-config.js";

/** Signature algorithms an issuer may be trusted for; never a MAC, never `none`. */
export const ISSUER_ALGORITHMS = ["ES256", "EdDSA", "RS256"] as const;
export type IssuerAlgorithm = (typeof ISSUER_ALGORITHMS)[number];

/** The media type of an access token (RFC 9068); what an issuer's tokens must declare unless its entry names others. */
export const ACCESS_TOKEN_TYPE = "at+jwt";

/** A `typ` as compared: case-insensitive, with or without "application/" (RFC 7515 4.1.9). */
export const normalisedType = (typ: string): string => typ.toLowerCase().replace(/^application\//, "");

const trustedIssuer = z.strictObject({
  issuer: z.string().min(1, "must be the exact iss of the issuer's tokens"),
  nation: nationCode,
  jwks: jwksSource,
  algorithms: z.array(z.enum(ISSUER_ALGORITHMS)).min(1, "must name at least one algorithm"),
  /**
   * The `typ` values its access tokens carry; default at+jwt only. An issuer that cannot mint at+jwt may be
   * given "JWT", and then its tokens must also not look like ID tokens (see verify-token.ts).
   */
  tokenTypes: z
    .array(z.string().regex(/^(application\/)?[A-Za-z0-9][A-Za-z0-9.+-]*$/, "must be a media type such as at+jwt"))
    .min(1, "must name at least one typ")
    .transform((types) => [...new Set(types.map(normalisedType))])
    .optional(),
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
export type TrustedIssuer = Omit<z.infer<typeof trustedIssuer>, "tokenTypes"> & {
  /** Normalised (see normalisedType); absent: at+jwt only. */
  tokenTypes?: readonly string[] | undefined;
};

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
