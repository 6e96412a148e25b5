import type { AgreementBook, AgreementDocument } from "@tearline/policy";
import { AgreementRejected, verifyAgreementDocument } from "../../lib/agreement-jws.js";
import { logger } from "../../lib/logger.js";
import type { AgreementSource } from "./config.js";
import { AgreementKeys } from "./keys.js";

const log = logger("agreements");

/** A document issued further in the future than this is refused: clocks differ, but not by hours. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface AgreementStoreOptions {
  /** How often every nation's document is read again (a conditional request: an unchanged one costs a 304). */
  pollMs: number;
  fetchTimeoutMs: number;
  /** Receives the new book whenever a nation's verified document changes. */
  onChange(book: AgreementBook): void;
  now?: () => number;
}

interface NationState {
  source: AgreementSource;
  keys: AgreementKeys;
  /** The last verified document: it stays in force whatever goes wrong after it. */
  document?: AgreementDocument;
  /** The ETag of the last answer read, good or bad, so that neither is fetched and checked again until it changes. */
  etag?: string;
  /** The problem last logged, so that a failure is logged once, not every poll. */
  problem?: string;
}

/**
 * Keeps every nation's verified sharing agreements. Reads each document at
 * start and every `pollMs`; verifies it with that nation's agreement key,
 * refuses an older version (no rollback) and a malformed or forged one. A
 * document that cannot be fetched or verified changes nothing: the last
 * verified one stays in force. A nation with none shares nothing.
 */
export class AgreementStore {
  private readonly nations: NationState[];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    sources: readonly AgreementSource[],
    private readonly options: AgreementStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.nations = sources.map((source) => ({ source, keys: new AgreementKeys(source.keys, this.now) }));
  }

  /** Reads every document once, then keeps reading them every pollMs. */
  async start(): Promise<void> {
    if (this.nations.length === 0) log.warn("no agreements configured: every nation reads only its own data");
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The verified documents in force, by nation. */
  get book(): AgreementBook {
    return new Map(this.nations.flatMap((n) => (n.document ? [[n.source.nation, n.document] as const] : [])));
  }

  /** Reads every document now (a poll already under way is awaited instead). */
  poll(): Promise<void> {
    this.polling ??= Promise.all(this.nations.map((nation) => this.read(nation)))
      .then((changed) => {
        if (changed.some(Boolean)) this.options.onChange(this.book);
      })
      .finally(() => {
        this.polling = undefined;
      });
    return this.polling;
  }

  /** True when the nation's document in force changed. */
  private async read(nation: NationState): Promise<boolean> {
    let response: Response;
    try {
      response = await fetch(nation.source.url, {
        headers: nation.etag ? { "if-none-match": nation.etag } : {},
        signal: AbortSignal.timeout(this.options.fetchTimeoutMs),
      });
    } catch {
      return this.problem(nation, "document endpoint unreachable");
    }
    if (response.status === 304) return false;
    const text = await response.text().catch(() => undefined);
    if (response.status !== 200 || text === undefined) return this.problem(nation, `document endpoint answered ${response.status}`);
    nation.etag = response.headers.get("etag") ?? undefined;
    let document: AgreementDocument;
    try {
      document = await verifyAgreementDocument(text.trim(), nation.source.nation, (kid) => nation.keys.keyFor(kid));
    } catch (error) {
      return this.problem(nation, error instanceof AgreementRejected ? error.message : "agreement keys unavailable");
    }
    if (document.issuedAt > this.now() + MAX_CLOCK_SKEW_MS) return this.problem(nation, "document issued in the future");
    const current = nation.document;
    if (current && document.version < current.version)
      return this.problem(nation, "older version than the one in force (rollback refused)");
    nation.problem = undefined;
    if (current && document.version === current.version) return false;
    nation.document = document;
    log.info({ nation: nation.source.nation, version: document.version, partners: document.partners.size }, "agreements in force");
    return true;
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
