import { readFile } from "node:fs/promises";
import { type CompactJWSHeaderParameters, type CryptoKey, createLocalJWKSet, errors, type FlattenedJWSInput } from "jose";
import { MAX_KEY_SET_BYTES } from "../../lib/jwks-keys.js";
import { readBodyCapped } from "../../lib/read-capped.js";
import { withTimeout } from "../../lib/timeout.js";
import type { TrustedIssuer } from "./issuers.js";

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

/** The key a token's header names, and the generation of the key set it came from. */
export interface FoundKey {
  key: CryptoKey;
  generation: number;
}

interface Loaded {
  text: string;
  keys: LocalKeySet;
  /** Epoch ms of the read. */
  readAt: number;
  generation: number;
}

/**
 * One issuer's public keys, from a JWKS URL or a JWKS file that an operator
 * may rewrite at any time. Keys older than `cacheMaxAge` are read again before
 * use; a token with an unknown kid makes them be read again at most once per
 * cooldown, so a new key works without a restart and a flood of bad kids
 * costs one read. Reads are shared by concurrent callers.
 *
 * Every read whose key set differs from the one before starts a new
 * generation: a verified token remembered with the generation it was checked
 * against is checked again once that changes (its key may have been
 * withdrawn). Fails closed: keys that are stale and cannot be read again
 * verify nothing.
 */
export class IssuerKeySet {
  private loaded: Loaded | undefined;
  private pending: Promise<Loaded> | undefined;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private generations = 0;
  private readonly settings: Required<KeySetOptions>;

  constructor(
    private readonly source: TrustedIssuer["jwks"],
    options: KeySetOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.settings = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) };
  }

  /** The key for a token's header (as jose's key sets choose it) and its generation; throws when there is none or the set cannot be read. */
  async find(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<FoundKey> {
    const loaded = await this.fresh();
    try {
      return { key: await loaded.keys(header, token), generation: loaded.generation };
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.now() - this.attemptedAt < this.settings.cooldownDuration) throw error;
      const reloaded = await this.reload();
      return { key: await reloaded.keys(header, token), generation: reloaded.generation };
    }
  }

  /** The generation of keys no older than cacheMaxAge (read again first if they are); throws when they cannot be read. */
  async generation(): Promise<number> {
    return (await this.fresh()).generation;
  }

  private async fresh(): Promise<Loaded> {
    const loaded = this.loaded;
    return loaded && this.now() - loaded.readAt < this.settings.cacheMaxAge ? loaded : this.reload();
  }

  private reload(): Promise<Loaded> {
    this.pending ??= this.read().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async read(): Promise<Loaded> {
    const readAt = this.now();
    this.attemptedAt = readAt;
    const text = "url" in this.source ? await this.fetchText(this.source.url) : await readFile(this.source.file, "utf8");
    // An unchanged set keeps its generation, so that a routine refresh makes no remembered token be checked again.
    if (this.loaded?.text === text) this.loaded = { ...this.loaded, readAt };
    // Throws on bad JSON or a malformed set: the token is refused, nothing else.
    else this.loaded = { text, keys: createLocalJWKSet(JSON.parse(text)), readAt, generation: ++this.generations };
    return this.loaded;
  }

  private fetchText(url: string): Promise<string> {
    // The deadline covers the body too: a key set trickling its bytes is cut at the same time as a silent one.
    return withTimeout(this.settings.timeoutDuration, async (signal) => {
      const response = await fetch(url, { signal, redirect: "error" });
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        throw new errors.JOSEError(`key set answered ${response.status}`);
      }
      const text = await readBodyCapped(response, MAX_KEY_SET_BYTES);
      if (text === undefined) throw new errors.JOSEError("key set too large");
      return text;
    });
  }
}
