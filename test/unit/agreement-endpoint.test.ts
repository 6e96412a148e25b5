import { createHash } from "node:crypto";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../../lib/error-codes.js";
import { close, createJsonHttpServer, jsonReply, listen } from "../../lib/http-server.js";
import { AGREEMENTS_FILE, AGREEMENTS_PATH, agreementsPage } from "../../subgraphs/shared/agreements-page.js";
import { loadNationConfig } from "../../subgraphs/shared/config.js";
import { MAX_HELD_READS, MAX_WAIT_S, requestedWait } from "../../subgraphs/shared/file-change.js";

// Any text will do: the subgraph serves the file as it is, and the gateway verifies it.
const SIGNED = "eyJhbGciOiJFZERTQSJ9.eyJuYXRpb24iOiJGUkEifQ.c2lnbmF0dXJl";
const tagOf = (text: string) => `"${createHash("sha256").update(text).digest("base64url")}"`;

describe("a nation's GET /agreements", () => {
  let server: Server;
  let base: string;
  let folder: string;
  const file = () => join(folder, AGREEMENTS_FILE);
  const get = (headers: Record<string, string> = {}, method = "GET") => fetch(`${base}${AGREEMENTS_PATH}`, { method, headers });

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "tearline-agreements-page-"));
    server = createJsonHttpServer({
      handle: async () => jsonReply(200, {}),
      pages: { [AGREEMENTS_PATH]: agreementsPage(file()) },
    });
    base = `http://127.0.0.1:${await listen(server, "127.0.0.1", 0)}`;
  });
  afterAll(async () => {
    await close(server);
    rmSync(folder, { recursive: true, force: true });
  });
  beforeEach(() => rmSync(file(), { force: true }));

  it("serves the signed document as application/jose, with a quoted SHA-256 ETag, never cached unchecked", async () => {
    writeFileSync(file(), SIGNED);
    const answer = await get();
    expect([answer.status, await answer.text()]).toEqual([200, SIGNED]);
    expect(Object.fromEntries(["content-type", "etag", "cache-control"].map((name) => [name, answer.headers.get(name)]))).toEqual({
      "content-type": "application/jose",
      etag: tagOf(SIGNED),
      "cache-control": "no-cache",
    });
  });

  it("answers 304 with no body when If-None-Match names the current ETag, alone, in a list or weak", async () => {
    writeFileSync(file(), SIGNED);
    for (const ifNoneMatch of [tagOf(SIGNED), `"other", ${tagOf(SIGNED)}`, `W/${tagOf(SIGNED)}`, "*"]) {
      const answer = await get({ "if-none-match": ifNoneMatch });
      expect([ifNoneMatch, answer.status, await answer.text(), answer.headers.get("etag")]).toEqual([ifNoneMatch, 304, "", tagOf(SIGNED)]);
    }
  });

  it("serves a replaced document in full to a caller holding the old ETag", async () => {
    writeFileSync(file(), SIGNED);
    const old = (await get()).headers.get("etag")!;
    const replacement = `${SIGNED}x`;
    writeFileSync(`${file()}.tmp`, replacement);
    renameSync(`${file()}.tmp`, file());
    const answer = await get({ "if-none-match": old });
    expect([answer.status, await answer.text(), answer.headers.get("etag")]).toEqual([200, replacement, tagOf(replacement)]);
    expect(tagOf(replacement)).not.toBe(old);
  });

  it("holds a 304 asked with Prefer: wait until the file is replaced, then serves the new document at once", async () => {
    writeFileSync(file(), SIGNED);
    const replacement = `${SIGNED}y`;
    const asked = performance.now();
    const held = get({ "if-none-match": tagOf(SIGNED), prefer: "wait=20" });
    await new Promise((resolve) => setTimeout(resolve, 400));
    writeFileSync(`${file()}.tmp`, replacement);
    renameSync(`${file()}.tmp`, file());
    const replaced = performance.now();
    const answer = await held;
    const answered = performance.now();
    expect([answer.status, await answer.text(), answer.headers.get("etag"), answer.headers.get("preference-applied")]).toEqual([
      200,
      replacement,
      tagOf(replacement),
      "wait=20",
    ]);
    // Held while nothing changed, answered within the file checks (100 ms apart) of the change, not after the wait.
    expect(replaced - asked).toBeGreaterThan(350);
    expect(answered - replaced).toBeLessThan(2000);
  });

  it("answers the held 304 when nothing changes within the wait, and holds nothing the caller does not already have", async () => {
    writeFileSync(file(), SIGNED);
    let started = performance.now();
    const unchanged = await get({ "if-none-match": tagOf(SIGNED), prefer: "wait=1" });
    expect([unchanged.status, unchanged.headers.get("preference-applied")]).toEqual([304, "wait=1"]);
    expect(performance.now() - started).toBeGreaterThan(900);
    started = performance.now();
    for (const headers of <Array<Record<string, string>>>[{ prefer: "wait=20" }, { "if-none-match": '"other"', prefer: "wait=20" }]) {
      const answer = await get(headers);
      expect([answer.status, await answer.text()]).toEqual([200, SIGNED]);
    }
    rmSync(file());
    expect((await get({ "if-none-match": tagOf(SIGNED), prefer: "wait=20" })).status).toBe(404);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("holds at most MAX_HELD_READS answers at once: past them an answer comes at once, without Preference-Applied", async () => {
    writeFileSync(file(), SIGNED);
    const current = { "if-none-match": tagOf(SIGNED), prefer: "wait=20" };
    const held = Array.from({ length: MAX_HELD_READS }, () => get(current));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = performance.now();
    const unheld = await get(current);
    expect([unheld.status, unheld.headers.get("preference-applied")]).toEqual([304, null]);
    expect(performance.now() - started).toBeLessThan(1000);
    // The held ones are still held, and each gets the new document when it comes; then the count is back to none.
    const replacement = `${SIGNED}z`;
    writeFileSync(`${file()}.tmp`, replacement);
    renameSync(`${file()}.tmp`, file());
    const answers = await Promise.all(held);
    expect(new Set(answers.map((answer) => `${answer.status} ${answer.headers.get("preference-applied")}`))).toEqual(
      new Set(["200 wait=20"]),
    );
    await Promise.all(answers.map((answer) => answer.text()));
    const again = await get({ "if-none-match": tagOf(replacement), prefer: "wait=1" });
    expect([again.status, again.headers.get("preference-applied")]).toEqual([304, "wait=1"]);
  });

  it("releases a held answer as soon as the server starts closing: a long poll never holds up a shutdown", async () => {
    writeFileSync(file(), SIGNED);
    const closing = createJsonHttpServer({ handle: async () => jsonReply(200, {}), pages: { [AGREEMENTS_PATH]: agreementsPage(file()) } });
    const port = await listen(closing, "127.0.0.1", 0);
    const held = fetch(`http://127.0.0.1:${port}${AGREEMENTS_PATH}`, { headers: { "if-none-match": tagOf(SIGNED), prefer: "wait=30" } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    await close(closing);
    expect((await held).status).toBe(304);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("reads the wait asked for as whole seconds up to 30, and no wait from anything else", () => {
    const asking = (prefer?: string) => requestedWait({ headers: prefer === undefined ? {} : { prefer } } as never);
    expect(
      [
        undefined,
        "wait=5",
        "respond-async, wait=5",
        "WAIT = 7",
        "wait=100",
        "wait=",
        "wait=-1",
        "wait=1.5",
        "wait=abc",
        "return=minimal",
      ].map(asking),
    ).toEqual([0, 5, 5, 7, MAX_WAIT_S, 0, 0, 0, 0, 0]);
    expect(MAX_WAIT_S).toBe(30);
  });

  it("answers 404 NOT_FOUND as JSON when the nation has published no document", async () => {
    const answer = await get();
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(answer.headers.get("etag")).toBeNull();
    expect(await answer.json()).toEqual({
      errors: [{ message: "This nation publishes no agreements", extensions: { code: ErrorCode.NotFound } }],
    });
  });

  it("is read with GET only", async () => {
    writeFileSync(file(), SIGNED);
    const answer = await get({}, "POST");
    expect(answer.status).toBe(405);
    expect(((await answer.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe(
      ErrorCode.MethodNotAllowed,
    );
  });
});

describe("a nation's data directory", () => {
  const KEYS = { GATEWAY_KEYS: '{"file":"/keys/gateway/jwks.json"}', AGREEMENT_KEYS: '{"file":"/keys/agreements/FRA/jwks.json"}' };

  it("defaults to .data/<NATION> with PGlite and with a real PostgreSQL alike", () => {
    expect(loadNationConfig("FRA", KEYS).dataDir).toMatch(/\/\.data\/FRA$/);
    const onPostgres = loadNationConfig("FRA", { ...KEYS, DATABASE_URL: "postgresql://u@127.0.0.1:5432/fra" });
    expect([onPostgres.database, onPostgres.dataDir]).toEqual([
      { databaseUrl: "postgresql://u@127.0.0.1:5432/fra" },
      expect.stringMatching(/\/\.data\/FRA$/),
    ]);
  });

  it("is DATA_DIR when set, whatever the database", () => {
    const config = loadNationConfig("FRA", { ...KEYS, DATABASE_URL: "postgresql://u@127.0.0.1:5432/fra", DATA_DIR: "/srv/fra" });
    expect(config.dataDir).toBe("/srv/fra");
    expect(loadNationConfig("FRA", { ...KEYS, DATA_DIR: "/srv/fra" }).database).toEqual({ dataDir: "/srv/fra" });
  });
});
