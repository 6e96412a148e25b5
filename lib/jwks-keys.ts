import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { open, stat } from "node:fs/promises";
import type { JWK } from "jose";
import { readBodyCapped } from "./read-capped.js";
import { withTimeout } from "./timeout.js";
import type { JwksSource } from "./trust-config.js";

/** A public key set is a few hundred bytes; a file or answer larger than this is refused unread. */
export const MAX_KEY_SET_BYTES = 64 * 1024;

/** The key set cannot be read (or is too old to trust): whoever asked must refuse, never allow. */
export class KeySetUnavailable extends Error {}

export interface PublicKeySetOptions {
  /** A key file is read again at most this often, so that a rotated key counts within it without a restart; 0: on every use. Default 1 s. */
  fileRecheckMs?: number;
  /** A key file changed more recently than this is read whole at every recheck (its times may not yet show a second change). Default 2 s. */
  fileSettledMs?: number;
  /**
   * A key file is read whole at least this often, whatever its stamp says: some writes leave a file's times as they were
   * (through a shared memory map, on ext4 and tmpfs alike), and NFS or FUSE may answer `stat` from a cache. Default 5 s.
   */
  fileFullReadMs?: number;
  /** Keys from a URL older than this are fetched again before use; while that fails, none is trusted. Default 60 s. */
  urlMaxAgeMs?: number;
  /** An unknown kid fetches a URL again at most this often, so that junk kids cannot make a process hammer a key server. Default 30 s. */
  unknownKidCooldownMs?: number;
  /** After a failed read, every use refuses at once until this long has passed; then a read is tried again. Default 1 s. */
  retryMs?: number;
  /** A key URL that does not answer within this counts as unreachable. Default 5 s. */
  timeoutMs?: number;
  now?: () => number;
}

/** A JWKS's Ed25519 public keys by kid; anything else in it (other curves, private members, no kid) is left out. */
export function ed25519PublicJwks(jwks: unknown): Map<string, JWK> {
  const keys = new Map<string, JWK>();
  const list = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return keys;
  for (const key of list as JWK[]) {
    if (key?.kty === "OKP" && key.crv === "Ed25519" && typeof key.kid === "string" && key.d === undefined) keys.set(key.kid, key);
  }
  return keys;
}

/** The file's text, or an error once it is larger than `maxBytes`: a file that grows without end costs at most that. */
async function readFileCapped(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > maxBytes) throw new Error("key set too large");
    }
    return buffer.toString("utf8", 0, size);
  } finally {
    await handle.close();
  }
}

interface Loaded {
  text: string;
  /** The file's identity and times when it was read (files only): an unchanged one need not be read again, for a while. */
  stamp?: string;
  /** Epoch ms of the last whole read of the file (files only). */
  readAt?: number;
  keys: Map<string, KeyObject>;
  /** Epoch ms of the read that produced it. */
  at: number;
}

/**
 * A set of trusted public keys (Ed25519), from a JWKS file or a JWKS URL,
 * kept current without a restart: a file is read again at most every
 * `fileRecheckMs` (read whole unless its stamp shows it unchanged since a read
 * made once its times had settled, and at least every `fileFullReadMs`, so a
 * key replaced within one mtime tick is still seen), a URL whenever its keys are older than `urlMaxAgeMs` or a kid
 * is unknown (once per cooldown). Reads are shared by concurrent callers.
 *
 * Fails closed: a file that cannot be read or parsed, or a URL whose keys are
 * stale and cannot be fetched, makes every use throw KeySetUnavailable until
 * a read succeeds; no last-known key outlives its source.
 */
export class PublicKeySet {
  private loaded: Loaded | undefined;
  /** Epoch ms of the last read attempt, whatever its outcome. */
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private failed = false;
  private pending: Promise<void> | undefined;
  private reads = 0;
  private readonly settings: Required<Omit<PublicKeySetOptions, "now">>;
  private readonly now: () => number;

  constructor(
    private readonly source: JwksSource,
    options: PublicKeySetOptions = {},
  ) {
    this.settings = {
      fileRecheckMs: options.fileRecheckMs ?? 1000,
      fileSettledMs: options.fileSettledMs ?? SETTLED_MS,
      fileFullReadMs: options.fileFullReadMs ?? 5000,
      urlMaxAgeMs: options.urlMaxAgeMs ?? 60_000,
      unknownKidCooldownMs: options.unknownKidCooldownMs ?? 30_000,
      retryMs: options.retryMs ?? 1000,
      timeoutMs: options.timeoutMs ?? 5000,
    };
    this.now = options.now ?? Date.now;
  }

  /** How many times the key file has been read whole (an unchanged, settled file is only stat'ed). */
  get fileReads(): number {
    return this.reads;
  }

  /** The public key named `kid`, or undefined when the set has none by that id; throws KeySetUnavailable. */
  async keyFor(kid: string): Promise<KeyObject | undefined> {
    return (await this.current(kid)).get(kid);
  }

  /** Whether `kid` is in the set now; throws KeySetUnavailable. */
  async has(kid: string): Promise<boolean> {
    return (await this.current(undefined)).has(kid);
  }

  /** Reads the set now if a read is due; resolves whether it is usable (for a start-up log line). */
  async ready(): Promise<boolean> {
    return this.current(undefined).then(
      () => true,
      () => false,
    );
  }

  private async current(kid: string | undefined): Promise<ReadonlyMap<string, KeyObject>> {
    // A read under way is waited for by every caller, due or not: none answers from the state it is replacing.
    if (this.pending || this.readDue(kid)) {
      this.pending ??= this.read().finally(() => {
        this.pending = undefined;
      });
      await this.pending;
    }
    const loaded = this.loaded;
    if (this.failed && ("file" in this.source || loaded === undefined || this.now() - loaded.at >= this.settings.urlMaxAgeMs)) {
      throw new KeySetUnavailable("key set unavailable");
    }
    if (loaded === undefined) throw new KeySetUnavailable("key set unavailable");
    return loaded.keys;
  }

  private readDue(kid: string | undefined): boolean {
    const sinceAttempt = this.now() - this.attemptedAt;
    if (this.loaded === undefined || this.failed) return sinceAttempt >= this.settings.retryMs;
    if ("file" in this.source) return sinceAttempt >= this.settings.fileRecheckMs;
    if (this.now() - this.loaded.at >= this.settings.urlMaxAgeMs) return true;
    return kid !== undefined && !this.loaded.keys.has(kid) && sinceAttempt >= this.settings.unknownKidCooldownMs;
  }

  private async read(): Promise<void> {
    const at = this.now();
    this.attemptedAt = at;
    try {
      let text: string;
      let stamp: string | undefined;
      if ("file" in this.source) {
        stamp = await settledStamp(this.source.file, this.settings.fileSettledMs);
        const loaded = this.loaded;
        // The stamp is a hint, not a proof: it spares reads between whole ones, never for longer than fileFullReadMs.
        if (
          stamp !== undefined &&
          stamp === loaded?.stamp &&
          !this.failed &&
          loaded.readAt !== undefined &&
          at - loaded.readAt < this.settings.fileFullReadMs
        ) {
          this.loaded = { ...loaded, at };
          return;
        }
        text = await readFileCapped(this.source.file, MAX_KEY_SET_BYTES);
        this.reads++;
      } else text = await this.fetchText(this.source.url);
      // Unchanged text keeps the keys already imported; a changed one is imported whole (a kid may name new key material).
      const keys = text === this.loaded?.text ? this.loaded.keys : importKeys(text);
      this.loaded = { text, stamp, readAt: "file" in this.source ? at : undefined, keys, at };
      this.failed = false;
    } catch {
      this.failed = true;
    }
  }

  private fetchText(url: string): Promise<string> {
    // The deadline covers the body too: a key set trickling its bytes is cut at the same time as a silent one.
    return withTimeout(this.settings.timeoutMs, async (signal) => {
      const response = await fetch(url, { signal });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new Error(`key set answered ${response.status}`);
      }
      const text = await readBodyCapped(response, MAX_KEY_SET_BYTES);
      if (text === undefined) throw new Error("key set too large");
      return text;
    });
  }
}

/** How long after its last change a file's times are trusted to show any further change (FAT's 2 s resolution, the coarsest in use). */
const SETTLED_MS = 2000;

/**
 * A stamp of the file (device, inode, size, change and modification times, in ns), or undefined while it changed too
 * recently for its times to show a second change in the same tick: then it is read whole, as before. The same stamp
 * later almost always means the same file (an ordinary write or a rename moves the change time or the inode), so it is
 * not read again until fileFullReadMs has passed: a poller asking for its keys twice a second then mostly costs one
 * `stat`, not an open, two reads and a close. Writes that leave the times alone are caught by that whole read.
 */
async function settledStamp(path: string, settledMs: number): Promise<string | undefined> {
  const info = await stat(path, { bigint: true });
  // biome-ignore lint/complexity/useMathMinMax: BigInts, which Math.max does not take.
  const changedMs = Number((info.ctimeNs > info.mtimeNs ? info.ctimeNs : info.mtimeNs) / 1_000_000n);
  if (Date.now() - changedMs < settledMs) return undefined;
  return `${info.dev}:${info.ino}:${info.size}:${info.ctimeNs}:${info.mtimeNs}`;
}

/** The Ed25519 keys of a JWKS text; throws when the text is not a JWKS at all. */
export function importKeys(text: string): Map<string, KeyObject> {
  const jwks: unknown = JSON.parse(text);
  if (!Array.isArray((jwks as { keys?: unknown } | null)?.keys)) throw new Error("not a JWKS");
  const keys = new Map<string, KeyObject>();
  for (const [kid, jwk] of ed25519PublicJwks(jwks)) {
    try {
      keys.set(kid, createPublicKey({ key: jwk as JsonWebKey, format: "jwk" }));
    } catch {
      // One malformed key leaves the others usable.
    }
  }
  return keys;
}
