import type { AgreementBook, AgreementDocument } from "@tearline/policy";
import { AgreementRejected, verifiedAgreement } from "../../lib/agreement-jws.js";
import { logger } from "../../lib/logger.js";
import { readBodyCapped } from "../../lib/read-capped.js";
import type { AgreementSource } from "./config.js";
import { type AgreementKeys, agreementKeys } from "./keys.js";
import { VersionFloorFile, type VersionFloors } from "./version-floors.js";

const log = logger("agreements");

/** A document issued further in the future than this is refused: clocks differ, but not by hours. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** A signed agreements document is a few kilobytes; one larger than this is refused unread. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;

export interface AgreementStoreOptions {
  /** How often each nation's document is read again (a conditional request: an unchanged one costs a 304). */
  pollMs: number;
  /** The most one nation's read (fetch, body, keys, verification) may take; a slow nation never holds up another. */
  fetchTimeoutMs: number;
  /** Receives the new book whenever a nation's document in force changes. */
  onChange(book: AgreementBook): void;
  /** Where the highest version seen per nation is kept, so that a restart cannot be fed an older document. */
  floorFile?: string;
  now?: () => number;
}

interface NationState {
  source: AgreementSource;
  keys: AgreementKeys;
  /** The last verified document, and the key that signed it: in force while that key is the nation's. */
  document?: AgreementDocument;
  kid?: string;
  /** The ETag of the document in force, so that it is not fetched and checked again until it changes. */
  etag?: string;
  /** The problem last logged, so that a failure is logged once, not every poll. */
  problem?: string;
  /** A read still under way (a hung endpoint or key file): the next poll of this nation is skipped until it ends. */
  reading?: Promise<void>;
  timer?: NodeJS.Timeout;
}

class ReadTimeout extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Keeps every nation's verified sharing agreements. Reads each nation's
 * document at start and every `pollMs`, each nation on its own so that one
 * slow nation delays no other; verifies it with that nation's agreement keys;
 * refuses an older version than the highest seen (also across restarts, with
 * a floor file), an oversized, malformed or forged document. A document that
 * cannot be fetched or verified changes nothing: the last verified one stays
 * in force, until the key that signed it is no longer the nation's (a
 * rotation after a compromise), when the nation shares nothing until a
 * document signed by a current key arrives.
 */
export class AgreementStore {
  private readonly nations: NationState[];
  private readonly now: () => number;
  private readonly floors: VersionFloorFile | undefined;
  private persistedFloors: VersionFloors = {};

  constructor(
    sources: readonly AgreementSource[],
    private readonly options: AgreementStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.nations = sources.map((source) => ({ source, keys: agreementKeys(source.keys, this.now) }));
    this.floors = options.floorFile ? new VersionFloorFile(options.floorFile) : undefined;
  }

  /** Reads every document once, then keeps reading each every pollMs. */
  async start(): Promise<void> {
    if (this.nations.length === 0) log.warn("no agreements configured: every nation reads only its own data");
    this.persistedFloors = (await this.floors?.load()) ?? {};
    await this.poll();
    for (const nation of this.nations) {
      nation.timer = setInterval(() => void this.pollNation(nation), this.options.pollMs);
      nation.timer.unref();
    }
  }

  stop(): void {
    for (const nation of this.nations) clearInterval(nation.timer);
  }

  /** The verified documents in force, by nation. */
  get book(): AgreementBook {
    return new Map(this.nations.flatMap((n) => (n.document ? [[n.source.nation, n.document] as const] : [])));
  }

  /** Reads every nation's document now. */
  async poll(): Promise<void> {
    await Promise.all(this.nations.map((nation) => this.pollNation(nation)));
  }

  private async pollNation(nation: NationState): Promise<void> {
    // Never two reads of one nation at once: a hung endpoint or key file holds its own slot, and piles up nothing.
    if (nation.reading) return;
    const read = this.read(nation)
      .catch(() => this.problem(nation, "document could not be read"))
      .then(async (changed) => {
        // Applied whenever the read ends, even past the deadline below.
        if (changed) {
          await this.saveFloors();
          this.options.onChange(this.book);
        }
      })
      .finally(() => {
        nation.reading = undefined;
      });
    nation.reading = read;
    // The deadline only bounds how long poll() waits; a slow nation delays no other, which have their own timers.
    await withDeadline(read, this.options.fetchTimeoutMs).catch(() => this.problem(nation, "document or keys not read in time"));
  }

  /** True when the nation's document in force changed. */
  private async read(nation: NationState): Promise<boolean> {
    // The key that signed the document in force may have been retired (rotated after a compromise): then it goes, and
    // only a document signed by a current key (read just below) can take its place.
    let withdrawn = false;
    if (nation.document && nation.kid && !(await nation.keys.has(nation.kid))) {
      log.warn({ nation: nation.source.nation, version: nation.document.version }, "agreements signing key retired: document withdrawn");
      nation.document = undefined;
      nation.kid = undefined;
      nation.etag = undefined;
      withdrawn = true;
    }
    const response = await fetch(nation.source.url, {
      headers: nation.etag ? { "if-none-match": nation.etag } : {},
      signal: AbortSignal.timeout(this.options.fetchTimeoutMs),
    }).catch(() => undefined);
    if (response === undefined) return this.problem(nation, "document endpoint unreachable") || withdrawn;
    // A 304 means "unchanged" only when we asked about the document in force.
    if (response.status === 304 && nation.etag) return false;
    const text = response.status === 200 ? await readBodyCapped(response, MAX_DOCUMENT_BYTES) : undefined;
    if (text === undefined)
      return (
        this.problem(nation, response.status === 200 ? "document too large" : `document endpoint answered ${response.status}`) || withdrawn
      );
    let verified: { document: AgreementDocument; kid: string };
    try {
      verified = await verifiedAgreement(text.trim(), nation.source.nation, (kid) => nation.keys.keyFor(kid));
    } catch (error) {
      return this.problem(nation, error instanceof AgreementRejected ? error.message : "agreement keys unavailable") || withdrawn;
    }
    const { document, kid } = verified;
    if (document.issuedAt > this.now() + MAX_CLOCK_SKEW_MS) return this.problem(nation, "document issued in the future") || withdrawn;
    const floor = await this.floorOf(nation);
    if (floor !== undefined && document.version < floor)
      return this.problem(nation, "older version than the highest seen (rollback refused)") || withdrawn;
    nation.problem = undefined;
    // Only an accepted document's ETag is remembered: a refusal is fetched and checked again at the next poll.
    nation.etag = response.headers.get("etag") ?? undefined;
    if (nation.document && document.version === nation.document.version) return withdrawn;
    nation.document = document;
    nation.kid = kid;
    log.info({ nation: nation.source.nation, version: document.version, partners: document.partners.size }, "agreements in force");
    return true;
  }

  /** The lowest version acceptable: the one in force, or the one recorded before a restart while its key is still trusted. */
  private async floorOf(nation: NationState): Promise<number | undefined> {
    if (nation.document) return nation.document.version;
    const persisted = this.persistedFloors[nation.source.nation];
    return persisted && (await nation.keys.has(persisted.kid)) ? persisted.version : undefined;
  }

  private async saveFloors(): Promise<void> {
    if (!this.floors) return;
    for (const nation of this.nations)
      if (nation.document && nation.kid) this.persistedFloors[nation.source.nation] = { version: nation.document.version, kid: nation.kid };
    await this.floors.save(this.persistedFloors).catch((error: unknown) => log.error({ err: error }, "agreements floor file not written"));
  }

  private problem(nation: NationState, problem: string): false {
    if (nation.problem !== problem) {
      log.warn(
        { nation: nation.source.nation, problem, inForce: nation.document?.version ?? null },
        "agreements document refused; the one in force stays",
      );
      nation.problem = problem;
    }
    return false;
  }
}
