import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { ErrorCode } from "../../lib/error-codes.js";
import { errorReply, HttpError, type HttpReply, type Page } from "../../lib/http-server.js";
import { fileChangeOrTimeout, mayHoldAnother, requestedWait } from "./file-change.js";

/** Where a nation's subgraph serves its signed agreements. */
export const AGREEMENTS_PATH = "/agreements";

/** The signed agreements' file in a nation's data directory; the operator's command writes it. */
export const AGREEMENTS_FILE = "agreements.jws";

const MEDIA_TYPE = "application/jose";

/** Whether an If-None-Match header names this entity tag (a list, weak tags and `*` included). */
function matches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return [ifNoneMatch]
    .flat()
    .flatMap((value) => value.split(","))
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === etag || tag === "*");
}

/** The file's text, or undefined when there is none. */
async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return undefined;
  }
}

const tagOf = (jws: string) => `"${createHash("sha256").update(jws).digest("base64url")}"`;

/**
 * The GET page of a signed document a nation publishes, read from `file` on
 * every request (it is small, and the operator's command replaces it whole):
 * 200 with an ETag, 304 when the caller already has it, 404 (`missing`) when
 * there is none. The gateway polls it with If-None-Match and verifies the
 * signature itself; the subgraph only serves the file.
 *
 * A caller that already has the document and sends `Prefer: wait=N` has its
 * 304 held for up to N seconds, and gets the new document as soon as the file
 * changes (`Preference-Applied: wait=N` says so): a pause or a revocation
 * reaches the gateway at once, not at its next poll. At most MAX_HELD_READS
 * answers are held at once (anyone may ask); past them, answers are not held.
 */
export function signedFilePage(file: string, missing: string): Page {
  return async (req: IncomingMessage, closing: AbortSignal): Promise<HttpReply> => {
    let jws = await readIfPresent(file);
    // Past MAX_HELD_READS the wait is not applied, and the answer says so by leaving Preference-Applied out.
    const wait = mayHoldAnother() ? requestedWait(req) : 0;
    if (jws !== undefined && wait > 0 && matches(req.headers["if-none-match"], tagOf(jws))) {
      await fileChangeOrTimeout(file, wait * 1000, req, closing);
      jws = await readIfPresent(file);
    }
    const applied: Record<string, string> = wait > 0 ? { "preference-applied": `wait=${wait}` } : {};
    if (jws === undefined) {
      const reply = errorReply(new HttpError(404, ErrorCode.NotFound, missing));
      return { ...reply, headers: { ...reply.headers, "cache-control": "no-cache", ...applied } };
    }
    const etag = tagOf(jws);
    const headers = { "content-type": MEDIA_TYPE, etag, "cache-control": "no-cache", ...applied };
    if (matches(req.headers["if-none-match"], etag)) return { status: 304, json: "", headers };
    return { status: 200, json: jws, headers };
  };
}

/** The GET page of a nation's signed agreements (see signedFilePage). */
export const agreementsPage = (file: string): Page => signedFilePage(file, "This nation publishes no agreements");
