import { cappedGet } from "../../lib/capped-get.js";
import { logger } from "../../lib/logger.js";
import type { KeyFor } from "../../lib/nation-jws.js";
import { withTimeout } from "../../lib/timeout.js";
import type { PublishedSource } from "./config.js";
import { type NationKeys, nationKeys } from "./keys.js";
import { VersionFloorFile, type VersionFloors } from "./version-floors.js";

/** A document issued further in the future than this is refused: clocks differ, but not by hours. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** A verified document, with what the poller judges it by. */
export interface Verified<T> {
  document: T;
  /** The key that signed it: the document stays in force only while that key is the nation's. */
  kid: string;
  version: number;
  /** Epoch ms. */
  issuedAt: number;
}

/** One kind of document that each nation publishes, signed with its agreement key. */
export interface PublishedKind<T> {
  /** For the log: "agreements", "revocations". */
  name: string;
  /** A document larger than this is refused unread. */
  maxBytes: number;
  /** Verifies `text` as `nation`'s document; throws. A rejection's message is logged as the problem. */
  verify(text: string, nation: string, keyFor: KeyFor): Promise<Verified<T>>;
  /** Whether a thrown error is the verifier's refusal (its message is safe to log) rather than the keys being unavailable. */
  isRejection(error: unknown): boolean;
  /** What the log says about a document put in force. */
  describe(document: T): Record<string, unknown>;
}

export interface PollerOptions {
  /** How often each nation's document is read again (a conditional request: an unchanged one costs a 304). */
  pollMs: number;
  /** The most one nation's read (fetch, body, keys, verification) may take; a slow nation never holds up another. */
  fetchTimeoutMs: number;
  /** Called whenever a nation's document in force changes (put in force, replaced or withdrawn). */
  onChange(): void;
  /** Where the highest version seen per nation is kept, so that a restart cannot be fed an older document. */
  floorFile?: string;
  now?: () => number;
}

interface NationState<T> {
  source: PublishedSource;
  keys: NationKeys;
  /** The last verified document, and the key that signed it: in force while that key is the nation's. */
  document?: T;
  version?: number;
  kid?: string;
  /** The ETag of the document in force, so that it is not fetched and checked again until it changes. */
  etag?: string;
  /** The problem last logged, so that a failure is logged once, not every poll. */
  problem?: string;
  /** A read still under way (a hung endpoint or key file): the next poll of this nation is skipped until it ends. */
  reading?: Promise<void>;
  /** Whether the last answer was held until there was news (the endpoint applied `Prefer: wait`): then ask again at once. */
  held?: boolean;
  timer?: NodeJS.Timeout;
}

/** How soon a nation with no document in force is asked again: it shares nothing (or no token of it passes) until then. */
const NOTHING_IN_FORCE_RETRY_MS = 250;

/** Asked again no sooner than this after a held answer, whatever the endpoint does: one that holds nothing costs 2 reads a second. */
const MIN_HELD_GAP_MS = 500;

class ReadTimeout extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Keeps every nation's verified document of one kind. Reads each nation's
 * document at start and then again and again, each nation on its own so that
 * one slow nation delays no other: every `pollMs`, or, where the endpoint
 * holds a conditional request until the document changes (`Prefer: wait`,
 * RFC 7240, for about `pollMs`), at once after each held answer, so that a
 * change is in force as soon as it is published; verifies it with that nation's agreement keys;
 * refuses an older version than the highest seen (also across restarts, with
 * a floor file), an oversized, malformed or forged document. A document that
 * cannot be fetched or verified changes nothing: the last verified one stays
 * in force, until the key that signed it is no longer the nation's (a
 * rotation after a compromise), when the nation has none in force until a
 * document signed by a current key arrives. What having none means is the
 * consumer's to say (no sharing; no token accepted).
 */
export class PublishedDocuments<T> {
  private readonly nations: NationState<T>[];
  private readonly now: () => number;
  private readonly floors: VersionFloorFile | undefined;
  private readonly log;
  private persistedFloors: VersionFloors = {};
  /** Aborts the reads under way when the poller stops: a held request must not keep the process alive. */
  private readonly stopping = new AbortController();
  /** Seconds each held request may wait for a change: the poll interval, so that keys are still checked as often. */
  private readonly waitS: number;

  constructor(
    private readonly kind: PublishedKind<T>,
    sources: readonly PublishedSource[],
    private readonly options: PollerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.nations = sources.map((source) => ({ source, keys: nationKeys(source.keys, this.now) }));
    this.floors = options.floorFile ? new VersionFloorFile(options.floorFile) : undefined;
    this.log = logger(kind.name);
    this.waitS = Math.floor(options.pollMs / 1000);
  }

  /** Reads every document once, then keeps reading each (see the class). */
  async start(): Promise<void> {
    this.persistedFloors = (await this.floors?.load()) ?? {};
    await this.poll();
    for (const nation of this.nations)
      this.schedule(nation, nation.document === undefined ? Math.min(this.options.pollMs, NOTHING_IN_FORCE_RETRY_MS) : this.options.pollMs);
  }

  stop(): void {
    this.stopping.abort();
    for (const nation of this.nations) clearTimeout(nation.timer);
  }

  private schedule(nation: NationState<T>, delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    nation.timer = setTimeout(() => {
      const started = performance.now();
      void this.pollNation(nation, true).then(() =>
        this.schedule(
          nation,
          nation.held
            ? Math.max(0, MIN_HELD_GAP_MS - (performance.now() - started))
            : // A nation with nothing in force (its subgraph still starting, say) is asked again soon.
              nation.document === undefined
              ? Math.min(this.options.pollMs, NOTHING_IN_FORCE_RETRY_MS)
              : this.options.pollMs,
        ),
      );
    }, delayMs);
    nation.timer.unref();
  }

  /** The verified documents in force, by nation. */
  inForce(): Map<string, T> {
    return new Map(this.nations.flatMap((n) => (n.document ? [[n.source.nation, n.document] as const] : [])));
  }

  /** Reads every nation's document now (no answer held: it returns once each is read). */
  async poll(): Promise<void> {
    await Promise.all(this.nations.map((nation) => this.pollNation(nation)));
  }

  private async pollNation(nation: NationState<T>, hold = false): Promise<void> {
    // Never two reads of one nation at once: a hung endpoint or key file holds its own slot, and piles up nothing.
    if (nation.reading) {
      nation.held = false;
      return;
    }
    // Held only when there is a document in force to compare with; the wait is added to the read's deadline.
    const waitS = hold && nation.etag ? this.waitS : 0;
    const read = this.read(nation, waitS)
      .catch(() => this.problem(nation, "document could not be read"))
      .then(async (changed) => {
        // Applied whenever the read ends, even past the deadline below.
        if (changed) {
          await this.saveFloors();
          this.options.onChange();
        }
      })
      .finally(() => {
        nation.reading = undefined;
      });
    nation.reading = read;
    // The deadline only bounds how long poll() waits; a slow nation delays no other, which have their own timers.
    await withDeadline(read, this.options.fetchTimeoutMs + waitS * 1000).catch(() =>
      this.problem(nation, "document or keys not read in time"),
    );
  }

  /** True when the nation's document in force changed. */
  private async read(nation: NationState<T>, waitS: number): Promise<boolean> {
    nation.held = false;
    // The key that signed the document in force may have been retired (rotated after a compromise): then it goes, and
    // only a document signed by a current key (read just below) can take its place.
    let withdrawn = false;
    if (nation.document && nation.kid && !(await nation.keys.has(nation.kid))) {
      this.log.warn({ nation: nation.source.nation, version: nation.version }, `${this.kind.name} signing key retired: document withdrawn`);
      nation.document = undefined;
      nation.version = undefined;
      nation.kid = undefined;
      nation.etag = undefined;
      withdrawn = true;
    }
    const answer = await this.fetchDocument(nation, waitS).catch(() => undefined);
    if (answer === undefined) return this.problem(nation, "document endpoint unreachable") || withdrawn;
    // A 304 means "unchanged" only when we asked about the document in force.
    if (answer.status === 304 && nation.etag) {
      nation.held = answer.held;
      return false;
    }
    const { text } = answer;
    if (text === undefined)
      return (
        this.problem(nation, answer.status === 200 ? "document too large" : `document endpoint answered ${answer.status}`) || withdrawn
      );
    let verified: Verified<T>;
    try {
      verified = await this.kind.verify(text.trim(), nation.source.nation, (kid) => nation.keys.keyFor(kid));
    } catch (error) {
      return this.problem(nation, this.kind.isRejection(error) ? (error as Error).message : "agreement keys unavailable") || withdrawn;
    }
    if (verified.issuedAt > this.now() + MAX_CLOCK_SKEW_MS) return this.problem(nation, "document issued in the future") || withdrawn;
    const floor = await this.floorOf(nation);
    if (floor !== undefined && verified.version < floor)
      return this.problem(nation, "older version than the highest seen (rollback refused)") || withdrawn;
    nation.problem = undefined;
    nation.held = answer.held;
    // Only an accepted document's ETag is remembered: a refusal is fetched and checked again at the next poll.
    nation.etag = answer.etag;
    if (nation.document && verified.version === nation.version) return withdrawn;
    nation.document = verified.document;
    nation.version = verified.version;
    nation.kid = verified.kid;
    this.log.info(
      { nation: nation.source.nation, version: verified.version, ...this.kind.describe(verified.document) },
      `${this.kind.name} in force`,
    );
    return true;
  }

  /**
   * One conditional read of the nation's document, its body included, within the fetch deadline (plus the wait asked
   * for). `held`: the endpoint held the answer as asked, so that the next read may go out at once; only an answer that
   * brought nothing refused is acted on that way (a refused document is read again at the next poll, not in a loop).
   */
  private fetchDocument(nation: NationState<T>, waitS: number) {
    // A held request is cut when the poller stops, so that it keeps no process alive; any other ends within its deadline.
    return withTimeout(
      this.options.fetchTimeoutMs + waitS * 1000,
      async (signal) => {
        const answer = await cappedGet(nation.source.url, {
          headers: { ...(nation.etag ? { "if-none-match": nation.etag } : {}), ...(waitS > 0 ? { prefer: `wait=${waitS}` } : {}) },
          signal,
          maxBytes: this.kind.maxBytes,
        });
        const held = waitS > 0 && answer.header("preference-applied") === `wait=${waitS}`;
        return { status: answer.status, held, etag: answer.header("etag"), text: answer.text };
      },
      waitS > 0 ? this.stopping.signal : undefined,
    );
  }

  /** The lowest version acceptable: the one in force, or the one recorded before a restart while its key is still trusted. */
  private async floorOf(nation: NationState<T>): Promise<number | undefined> {
    if (nation.document) return nation.version;
    const persisted = this.persistedFloors[nation.source.nation];
    return persisted && (await nation.keys.has(persisted.kid)) ? persisted.version : undefined;
  }

  private async saveFloors(): Promise<void> {
    if (!this.floors) return;
    for (const nation of this.nations)
      if (nation.document && nation.kid && nation.version !== undefined)
        this.persistedFloors[nation.source.nation] = { version: nation.version, kid: nation.kid };
    await this.floors
      .save(this.persistedFloors)
      .catch((error: unknown) => this.log.error({ err: error }, `${this.kind.name} floor file not written`));
  }

  private problem(nation: NationState<T>, problem: string): false {
    if (nation.problem !== problem) {
      this.log.warn(
        { nation: nation.source.nation, problem, inForce: nation.version ?? null },
        `${this.kind.name} document refused; the one in force stays`,
      );
      nation.problem = problem;
    }
    return false;
  }
}
