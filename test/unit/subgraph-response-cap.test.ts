import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bodyBytesOf, deadlineFetcher, SubgraphResponseTooLargeError } from "../../gateway/fetch/undici-fetcher.js";
import { type StreamingSubgraph, startStreamingSubgraph, streamJunk } from "../support/streaming-subgraph.js";

// The fetcher reads at most its cap of a subgraph's answer, whatever the subgraph sends or declares.

describe("the subgraph fetcher's response cap", () => {
  let fake: StreamingSubgraph;
  const cap = 256 * 1024;
  const fetcher = deadlineFetcher(5000, cap);
  const post = () => fetcher(fake.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });

  beforeAll(async () => {
    fake = await startStreamingSubgraph(streamJunk(0));
  });
  afterEach(() => {
    fake.answer = streamJunk(0);
  });
  afterAll(async () => {
    await fake.close();
  });

  it("reads an answer within the cap, and says how many bytes it had", async () => {
    fake.answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"data":{"ok":true}}');
    };
    const response = await post();
    expect(await response.json()).toEqual({ data: { ok: true } });
    expect(bodyBytesOf(response)).toBe(20);
  });

  it("stops reading an answer streamed past the cap and drops the connection", async () => {
    fake.answer = streamJunk(200 * 1024 * 1024);
    const before = fake.written;
    await expect(post()).rejects.toBeInstanceOf(SubgraphResponseTooLargeError);
    // Socket buffers let a little more through than was read; nothing like the 200 MB offered.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.written - before).toBeLessThan(16 * 1024 * 1024);
  });

  it("refuses an answer that declares a length past the cap before reading it", async () => {
    fake.answer = streamJunk(200 * 1024 * 1024, true);
    await expect(post()).rejects.toThrow(`answer larger than ${cap} bytes`);
  });
});
