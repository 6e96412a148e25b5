import { request } from "undici";

/** The parts of an answer to a GET that its callers read. */
export interface CappedAnswer {
  status: number;
  /** A header's value (the first, if it came more than once), lower-case name. */
  header(name: string): string | undefined;
  /** The body as text when the status is 200 and it fits; undefined when it is larger than the cap (or not 200). */
  text: string | undefined;
}

/**
 * One GET, its body read only on a 200 and then capped at `maxBytes` (an
 * endpoint streaming without end costs at most that), every other body
 * discarded unread. Through undici's `request`, not the WHATWG `fetch`: a
 * published document is asked for again and again (held reads, ADR 0014), and
 * `fetch`'s Request, Headers, Response and web streams cost several times as
 * much CPU per read as the answer itself. Redirects are not followed.
 */
export async function cappedGet(
  url: string,
  options: { headers: Record<string, string>; signal: AbortSignal; maxBytes: number },
): Promise<CappedAnswer> {
  // undici's request is a GET unless told otherwise.
  const answer = await request(url, { headers: options.headers, signal: options.signal });
  const header = (name: string) => {
    const value = answer.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (answer.statusCode !== 200) {
    await answer.body.dump().catch(() => undefined);
    return { status: answer.statusCode, header, text: undefined };
  }
  // A body abandoned unread: destroying it reports an abort, which is ours and must not reach the process as an error.
  const discard = () => {
    answer.body.on("error", () => undefined);
    answer.body.destroy();
    return { status: 200, header, text: undefined };
  };
  if (Number(header("content-length") ?? 0) > options.maxBytes) return discard();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer.body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > options.maxBytes) return discard();
    chunks.push(chunk);
  }
  return { status: 200, header, text: Buffer.concat(chunks).toString("utf8") };
}
