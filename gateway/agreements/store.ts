import type { AgreementBook, AgreementDocument } from "@tearline/policy";
import { AgreementRejected, verifiedAgreement } from "../../lib/agreement-jws.js";
import { logger } from "../../lib/logger.js";
import { type PollerOptions, PublishedDocuments, type PublishedKind } from "../published/poller.js";
import type { AgreementSource } from "./config.js";

/** A signed agreements document is a few kilobytes; one larger than this is refused unread. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;

const AGREEMENTS: PublishedKind<AgreementDocument> = {
  name: "agreements",
  maxBytes: MAX_DOCUMENT_BYTES,
  async verify(text, nation, keyFor) {
    const { document, kid } = await verifiedAgreement(text, nation, keyFor);
    return { document, kid, version: document.version, issuedAt: document.issuedAt };
  },
  isRejection: (error) => error instanceof AgreementRejected,
  describe: (document) => ({ partners: document.partners.size }),
};

export interface AgreementStoreOptions extends Omit<PollerOptions, "onChange"> {
  /** Receives the new book whenever a nation's document in force changes. */
  onChange(book: AgreementBook): void;
}

/**
 * Keeps every nation's verified sharing agreements (see PublishedDocuments):
 * the last verified document of each nation stays in force while its
 * endpoint is down or serves something that does not verify, until the key
 * that signed it is retired, when the nation shares nothing until a document
 * signed by a current key arrives.
 */
export class AgreementStore {
  private readonly documents: PublishedDocuments<AgreementDocument>;

  constructor(
    private readonly sources: readonly AgreementSource[],
    options: AgreementStoreOptions,
  ) {
    this.documents = new PublishedDocuments(AGREEMENTS, sources, { ...options, onChange: () => options.onChange(this.book) });
  }

  /** Reads every document once, then keeps reading each every pollMs. */
  async start(): Promise<void> {
    if (this.sources.length === 0) logger("agreements").warn("no agreements configured: every nation reads only its own data");
    await this.documents.start();
  }

  stop(): void {
    this.documents.stop();
  }

  /** The verified documents in force, by nation. */
  get book(): AgreementBook {
    return this.documents.inForce();
  }

  /** Reads every nation's document now. */
  async poll(): Promise<void> {
    await this.documents.poll();
  }
}
