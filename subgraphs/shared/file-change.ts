import { unwatchFile, watchFile } from "node:fs";
import type { IncomingMessage } from "node:http";

/** The longest a caller may have an unchanged document held: a held answer still ends within seconds. */
export const MAX_WAIT_S = 30;

/**
 * The most answers one subgraph process holds at once. Anyone may ask for a published document, so without a bound
 * held answers could use up the process's connections and files; past it, an answer is given at once, unheld, and
 * its asker (a gateway) falls back to polling. A gateway holds two (agreements and revocations).
 */
export const MAX_HELD_READS = 64;
let heldReads = 0;

/** How often a held file is looked at: a change is answered within this, and a stat is all it costs. */
const CHECK_MS = 100;

/**
 * The seconds a caller asks its answer to be held until there is something new (RFC 7240 `Prefer: wait=N`), at most
 * MAX_WAIT_S; 0 when it does not ask, or asks in a form not understood.
 */
export function requestedWait(req: IncomingMessage): number {
  const prefer = [req.headers.prefer ?? []].flat().join(",");
  for (const preference of prefer.split(/[,;]/)) {
    const match = /^\s*wait\s*=\s*(\d{1,6})\s*$/i.exec(preference);
    if (match) return Math.min(Number(match[1]), MAX_WAIT_S);
  }
  return 0;
}

/** Whether one more answer may be held now (fewer than MAX_HELD_READS are). */
export const mayHoldAnother = (): boolean => heldReads < MAX_HELD_READS;

/**
 * Resolves when `file` changes (written, replaced by a rename, created or removed), after `ms`, when `closing` is
 * aborted (the server is shutting down) or when the caller goes away, whichever comes first. Node's stat poller is
 * shared by every waiter on one file, so that many held answers cost one stat per CHECK_MS.
 */
export function fileChangeOrTimeout(file: string, ms: number, req: IncomingMessage, closing: AbortSignal): Promise<void> {
  if (closing.aborted) return Promise.resolve();
  heldReads++;
  return new Promise((resolve) => {
    let released = false;
    const done = () => {
      // Counted down once, whichever of the four ends it first.
      if (released) return;
      released = true;
      heldReads--;
      clearTimeout(timer);
      unwatchFile(file, done);
      closing.removeEventListener("abort", done);
      req.socket.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    watchFile(file, { interval: CHECK_MS, persistent: false }, done);
    closing.addEventListener("abort", done, { once: true });
    req.socket.once("close", done);
  });
}
