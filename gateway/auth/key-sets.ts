import { readFile } from "node:fs/promises";
import {
  type CompactJWSHeaderParameters,
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type FlattenedJWSInput,
} from "jose";
import type { TrustedIssuer } from "./issuers.js";

/** Finds the public key for a token's header; what jose's jwtVerify takes in place of a key. */
export type KeyResolver = (header: CompactJWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** How often key sets are read again, in milliseconds. */
export interface KeySetOptions {
  /** After a read, an unknown `kid` does not cause another read for this long. Default 30 s. */
  cooldownDuration?: number;
  /** Keys older than this are read again before use, so a withdrawn key stops working. Default 10 min. */
  cacheMaxAge?: number;
  /** A JWKS URL that does not answer within this fails the verification. Default 5 s. */
  timeoutDuration?: number;
}

const DEFAULTS = { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5_000 } satisfies Required<KeySetOptions>;

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

async function readKeySet(file: string): Promise<LocalKeySet> {
  // Throws on a missing file, bad JSON or a malformed set: the token is refused, nothing else.
  return createLocalJWKSet(JSON.parse(await readFile(file, "utf8")) as Parameters<typeof createLocalJWKSet>[0]);
}

/**
 * Keys from a JWKS file that an operator may rewrite at any time. A token with
 * an unknown kid makes the file be read again, at most once per cooldown, so a
 * new key works without a restart and a flood of bad kids costs one read.
 */
function fileKeyResolver(file: string, options: Required<KeySetOptions>): KeyResolver {
  let current: { keys: LocalKeySet; readAt: number } | undefined;
  let pending: Promise<LocalKeySet> | undefined;
  const age = () => (current ? Date.now() - current.readAt : Infinity);

  const reload = (): Promise<LocalKeySet> =>
    (pending ??= readKeySet(file)
      .then((keys) => {
        current = { keys, readAt: Date.now() };
        return keys;
      })
      .finally(() => {
        pending = undefined;
      }));

  return async (header, token) => {
    const keys = current && age() < options.cacheMaxAge ? current.keys : await reload();
    try {
      return await keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || age() < options.cooldownDuration) throw error;
      return (await reload())(header, token);
    }
  };
}

/** The key resolver for one issuer's key set, created once and shared by every request. */
export function createKeyResolver(jwks: TrustedIssuer["jwks"], options: KeySetOptions = {}): KeyResolver {
  const settings: Required<KeySetOptions> = {
    cooldownDuration: options.cooldownDuration ?? DEFAULTS.cooldownDuration,
    cacheMaxAge: options.cacheMaxAge ?? DEFAULTS.cacheMaxAge,
    timeoutDuration: options.timeoutDuration ?? DEFAULTS.timeoutDuration,
  };
  // jose's remote set already refetches on an unknown kid at most once per cooldown.
  if ("url" in jwks) return createRemoteJWKSet(new URL(jwks.url), settings);
  return fileKeyResolver(jwks.file, settings);
}
