import { readFile } from "node:fs/promises";
import { type CryptoKey, importJWK, type JWK } from "jose";
import { agreementKeysOf } from "../../lib/agreement-jws.js";
import type { JwksSource } from "../../lib/trust-config.js";
import { readBodyCapped } from "./read-capped.js";

const MAX_KEY_SET_BYTES = 64 * 1024;

/** An unknown kid reloads the keys at most this often, so that junk kids cannot make the gateway hammer a key server. */
const RELOAD_COOLDOWN_MS = 30_000;
/** A key set from a URL is read again at least this often, so that a retired key stops counting without a restart. */
const URL_MAX_AGE_MS = 60_000;
const FETCH_TIMEOUT_MS = 5_000;

/**
 * A nation's agreement keys, from a JWKS file (read again whenever it
 * changes, so that a rotated key is picked up without a restart) or a JWKS
 * URL (fetched again when a document names a kid it does not know).
 */
export class AgreementKeys {
  private keys = new Map<string, JWK>();
  private imported = new Map<string, CryptoKey>();
  private fileText = "";
  private lastUrlLoad = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: JwksSource,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `kid` is one of the nation's agreement keys now. */
  async has(kid: string): Promise<boolean> {
    await this.refresh(false);
    return this.keys.has(kid);
  }

  /** The public key for `kid`, or undefined when the nation publishes none by that id. */
  async keyFor(kid: string): Promise<CryptoKey | undefined> {
    await this.refresh(!this.keys.has(kid));
    const jwk = this.keys.get(kid);
    if (jwk === undefined) return undefined;
    let key = this.imported.get(kid);
    if (!key) {
      key = (await importJWK(jwk, "EdDSA")) as CryptoKey;
      this.imported.set(kid, key);
    }
    return key;
  }

  private async refresh(unknownKid: boolean): Promise<void> {
    if ("file" in this.source) {
      // A few hundred bytes, read every poll and compared whole: a key replaced within the same mtime tick is still seen.
      const text = await readFile(this.source.file, "utf8");
      if (text === this.fileText) return;
      this.replace(JSON.parse(text));
      this.fileText = text;
      return;
    }
    const age = this.now() - this.lastUrlLoad;
    if (!unknownKid && this.keys.size > 0 && age < URL_MAX_AGE_MS) return;
    if (age < RELOAD_COOLDOWN_MS) return;
    this.lastUrlLoad = this.now();
    const response = await fetch(this.source.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`agreement key set answered ${response.status}`);
    const text = await readBodyCapped(response, MAX_KEY_SET_BYTES);
    if (text === undefined) throw new Error("agreement key set too large");
    this.replace(JSON.parse(text));
  }

  private replace(jwks: unknown): void {
    // Imported keys are dropped too: a key set may reuse a kid for new key material.
    this.keys = agreementKeysOf(jwks);
    this.imported = new Map();
  }
}
