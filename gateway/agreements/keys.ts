import { readFile, stat } from "node:fs/promises";
import { type CryptoKey, importJWK, type JWK } from "jose";
import { agreementKeysOf } from "../../lib/agreement-jws.js";
import type { JwksSource } from "../../lib/trust-config.js";

/** An unknown kid reloads the keys at most this often, so that junk kids cannot make the gateway hammer a key server. */
const RELOAD_COOLDOWN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

/**
 * A nation's agreement keys, from a JWKS file (read again whenever it
 * changes, so that a rotated key is picked up without a restart) or a JWKS
 * URL (fetched again when a document names a kid it does not know).
 */
export class AgreementKeys {
  private keys = new Map<string, JWK>();
  private imported = new Map<string, CryptoKey>();
  private fileVersion = "";
  private lastUrlLoad = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: JwksSource,
    private readonly now: () => number = Date.now,
  ) {}

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
      // Cheap enough per document: a stat, and a read only when the file changed.
      const info = await stat(this.source.file);
      const version = `${info.mtimeMs}:${info.size}`;
      if (version === this.fileVersion) return;
      this.replace(JSON.parse(await readFile(this.source.file, "utf8")));
      this.fileVersion = version;
      return;
    }
    if (!unknownKid && this.keys.size > 0) return;
    if (this.now() - this.lastUrlLoad < RELOAD_COOLDOWN_MS) return;
    this.lastUrlLoad = this.now();
    const response = await fetch(this.source.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`agreement key set answered ${response.status}`);
    this.replace(await response.json());
  }

  private replace(jwks: unknown): void {
    this.keys = agreementKeysOf(jwks);
    this.imported = new Map([...this.imported].filter(([kid]) => this.keys.has(kid)));
  }
}
