import { logger } from "../../lib/logger.js";
import {
  MAX_REVOCATION_LIST_BYTES,
  type RevocationList,
  RevocationListRejected,
  verifiedRevocationList,
} from "../../lib/revocation-list.js";
import { type PollerOptions, PublishedDocuments, type PublishedKind } from "../published/poller.js";
import type { RevocationSource } from "./config.js";

const log = logger("revocations");

const REVOCATIONS: PublishedKind<RevocationList> = {
  name: "revocations",
  maxBytes: MAX_REVOCATION_LIST_BYTES,
  async verify(text, nation, keyFor) {
    const { list, kid } = await verifiedRevocationList(text, nation, keyFor);
    // Lists are ordered by issue time: the floor that refuses a rollback is the issue time of the list in force.
    return { document: list, kid, version: list.issuedAt, issuedAt: list.issuedAt };
  },
  isRejection: (error) => error instanceof RevocationListRejected,
  describe: (list) => ({ revoked: list.revoked.size }),
};

export type RevocationStoreOptions = Omit<PollerOptions, "onChange">;

/**
 * Every configured nation's revoked tokens, polled and verified as the
 * agreements are (see PublishedDocuments). Fails closed: a list that cannot
 * be fetched or verified leaves the last verified one in force, so a revoked
 * token never becomes valid again because a list went missing; and while no
 * list of a configured nation is in force (none verified since start, or the
 * key that signed it retired) none of that nation's tokens is accepted, since
 * any of them may be revoked.
 */
export class RevocationStore {
  private readonly lists: PublishedDocuments<RevocationList>;
  private readonly configured: ReadonlySet<string>;
  private inForce = new Map<string, RevocationList>();

  constructor(
    private readonly sources: readonly RevocationSource[],
    options: RevocationStoreOptions,
  ) {
    this.configured = new Set(sources.map((source) => source.nation));
    this.lists = new PublishedDocuments(REVOCATIONS, sources, {
      ...options,
      onChange: () => {
        this.inForce = this.lists.inForce();
      },
    });
  }

  /** Reads every list once, then keeps reading each every pollMs. */
  async start(): Promise<void> {
    if (this.sources.length === 0) log.warn("no revocation lists configured: a revoked token is accepted until it expires");
    await this.lists.start();
    this.inForce = this.lists.inForce();
  }

  stop(): void {
    this.lists.stop();
  }

  /** Reads every nation's list now. */
  async poll(): Promise<void> {
    await this.lists.poll();
  }

  /** Why a token of `nation`'s issuer with this jti may not be used (for the log), or undefined. A map lookup: asked per request. */
  refusal(nation: string, jti: string): string | undefined {
    if (!this.configured.has(nation)) return undefined;
    const list = this.inForce.get(nation);
    if (list === undefined) return "no verified revocation list of the token's nation";
    return list.revoked.has(jti) ? "token revoked" : undefined;
  }
}
