import { readFile } from "node:fs/promises";
import type { AgreementBook } from "@tearline/policy";
import { verifiedAgreement } from "../../lib/agreement-jws.js";
import type { Logger } from "../../lib/logger.js";

type KeyFor = Parameters<typeof verifiedAgreement>[2];

/** How often the subgraph reads its own agreements file again: a pause takes effect within this. */
export const OWN_AGREEMENTS_REFRESH_MS = 500;

const NONE: AgreementBook = new Map();

/**
 * The nation's own signed agreements, as its subgraph enforces them: the
 * file the operator's command writes (the one the gateway polls), verified
 * with the nation's own agreement keys, read again every half second. The
 * subgraph trusts no copy from the gateway: a pause holds here even if the
 * gateway ignores it. Anything it cannot read or verify counts as no
 * agreement at all: the nation then shares with no other nation (fail closed).
 */
export class OwnAgreements {
  private book: AgreementBook = NONE;
  private lastText: string | undefined;
  private lastProblem: string | undefined;

  constructor(
    private readonly nation: string,
    private readonly file: string,
    private readonly keyFor: KeyFor,
    private readonly log: Pick<Logger, "info" | "warn">,
  ) {}

  /** The agreements in force now; the same object until the document or its verification changes. */
  current(): AgreementBook {
    return this.book;
  }

  /** Reads and verifies the file again. Never throws: a failure withdraws the agreements. */
  async refresh(): Promise<void> {
    let text: string | undefined;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") return this.withdraw("unreadable");
    }
    if (text === undefined) return this.withdraw("missing");
    try {
      // Verified every time, not only when the text changes: a retired key withdraws the document it signed.
      const { document } = await verifiedAgreement(text.trim(), this.nation, this.keyFor);
      // After a withdrawal lastText is unset, so the same document verified again is put back in force.
      if (text !== this.lastText) {
        this.book = new Map([[this.nation, document]]);
        this.lastText = text;
        this.lastProblem = undefined;
        this.log.info({ version: document.version }, "own agreements in force");
      }
    } catch (error) {
      this.withdraw(error instanceof Error ? error.message : "unverifiable");
    }
  }

  /** Refreshes now and then every `intervalMs`; returns the function that stops it. */
  async start(intervalMs = OWN_AGREEMENTS_REFRESH_MS): Promise<() => void> {
    await this.refresh();
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void this.refresh().finally(() => {
        running = false;
      });
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private withdraw(problem: string): void {
    this.book = NONE;
    this.lastText = undefined;
    if (problem !== this.lastProblem) this.log.warn({ problem }, "own agreements not in force: sharing with no other nation");
    this.lastProblem = problem;
  }
}
