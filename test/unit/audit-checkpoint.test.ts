import { createHash, createSecretKey } from "node:crypto";
import { CompactSign, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { chainEntry, chainHash, entryLine, GENESIS } from "../../lib/audit/chain.js";
import { CHECKPOINT_TYP, CheckpointRejected, signCheckpoint, verifyCheckpoint } from "../../lib/audit/checkpoint.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import { CHAIN, gateway, keyFor, original } from "../support/audit-chain-fixture.js";

// The chain's format as a verifier written elsewhere would recompute it, and each way a checkpoint is refused.

describe("the chain's format", () => {
  const start: AuditEvent = { kind: "chain-start", at: "2026-01-01T00:00:00.000Z", chain: "c", kid: "k" };
  const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

  it("starts from 64 zeros, hashes the previous hash then the event's canonical JSON, one entry a line", () => {
    expect(GENESIS).toBe("0".repeat(64));
    // The canonical JSON written out by hand: keys in RFC 8785 order, no spaces.
    const canonical = '{"at":"2026-01-01T00:00:00.000Z","chain":"c","kid":"k","kind":"chain-start"}';
    expect(chainHash(GENESIS, start)).toBe(sha256(`${"0".repeat(64)}${canonical}`));
    const entry = chainEntry(1, GENESIS, start);
    expect(entry).toEqual({ seq: 1, prev: GENESIS, hash: sha256(`${GENESIS}${canonical}`), event: start });
    expect(entryLine(entry)).toBe(`${JSON.stringify(entry)}\n`);
    expect(chainHash(entry.hash, start)).toBe(sha256(`${entry.hash}${canonical}`));
  });
});

describe("verifyCheckpoint", () => {
  const good = { chain: CHAIN, count: 3, head: original[2]!.hash, at: "2026-01-01T01:00:00.000Z", final: false };
  /** A JWS over `payload` (any bytes) with the gateway key, under the header given. */
  const signed = (payload: string, header: Record<string, unknown> = { alg: "EdDSA", typ: CHECKPOINT_TYP, kid: gateway.kid }) =>
    new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader(header as { alg: string }).sign(gateway.privateKey);
  const withPayload = (changes: Record<string, unknown>) => signed(JSON.stringify({ ...good, ...changes }));
  const without = (name: keyof typeof good) => {
    const { [name]: _left, ...rest } = good;
    return signed(JSON.stringify(rest));
  };

  it("signs under its own media type, EdDSA and the key's id, so that it passes for no other kind of JWS", async () => {
    const jws = await signCheckpoint(good, gateway.privateKey, gateway.kid);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: "EdDSA", typ: "tearline-audit-checkpoint+jws", kid: gateway.kid });
    expect(JSON.parse(Buffer.from(jws.split(".")[1]!, "base64url").toString())).toEqual(good);
  });

  it("reads a checkpoint signed by a gateway key, with the kid that signed it", async () => {
    expect(await verifyCheckpoint(await signCheckpoint(good, gateway.privateKey, gateway.kid), keyFor)).toEqual({
      ...good,
      kid: gateway.kid,
    });
    const final = { ...good, final: true };
    expect(await verifyCheckpoint(await signCheckpoint(final, gateway.privateKey, gateway.kid), keyFor)).toEqual({
      ...final,
      kid: gateway.kid,
    });
  });

  it("reads a checkpoint of no events (count 0, the genesis as its head)", async () => {
    const empty = { ...good, count: 0, head: GENESIS };
    expect(await verifyCheckpoint(await withPayload(empty), keyFor)).toMatchObject({ count: 0, head: GENESIS });
  });

  const refused: Array<[string, () => Promise<string> | string, string]> = [
    ["not a JWS at all", () => "not-a-jws", "not a compact JWS"],
    [
      "another media type",
      () => signed(JSON.stringify(good), { alg: "EdDSA", typ: "tearline-envelope+jwt", kid: gateway.kid }),
      "not an audit checkpoint (typ)",
    ],
    ["no media type", () => signed(JSON.stringify(good), { alg: "EdDSA", kid: gateway.kid }), "not an audit checkpoint (typ)"],
    [
      "another algorithm, with a key the verifier might take as a secret",
      () =>
        new CompactSign(new TextEncoder().encode(JSON.stringify(good)))
          .setProtectedHeader({ alg: "HS256", typ: CHECKPOINT_TYP, kid: gateway.kid })
          .sign(createSecretKey(Buffer.alloc(32, 1))),
      "unexpected signature algorithm",
    ],
    ["no key id", () => signed(JSON.stringify(good), { alg: "EdDSA", typ: CHECKPOINT_TYP }), "no key id"],
    ["a key id that is not a string", () => signed(JSON.stringify(good), { alg: "EdDSA", typ: CHECKPOINT_TYP, kid: 7 }), "no key id"],
    ["a payload that is not JSON", () => signed("count=3"), "payload is not JSON"],
    ["a payload that is JSON but not an object", () => signed("3"), "payload is not a checkpoint"],
    ["a payload that is JSON null", () => signed("null"), "payload is not a checkpoint"],
    ["a head in an array", () => withPayload({ head: [good.head] }), "payload is not a checkpoint"],
    ["no chain", () => without("chain"), "payload is not a checkpoint"],
    ["a chain that is not a string", () => withPayload({ chain: 1 }), "payload is not a checkpoint"],
    ["no count", () => without("count"), "payload is not a checkpoint"],
    ["a count that is a string", () => withPayload({ count: "3" }), "payload is not a checkpoint"],
    ["a fractional count", () => withPayload({ count: 2.5 }), "payload is not a checkpoint"],
    ["a negative count", () => withPayload({ count: -1 }), "payload is not a checkpoint"],
    ["no head", () => without("head"), "payload is not a checkpoint"],
    ["a head too short", () => withPayload({ head: good.head.slice(1) }), "payload is not a checkpoint"],
    ["a head with a character before it", () => withPayload({ head: `x${good.head}` }), "payload is not a checkpoint"],
    ["a head with a character after it", () => withPayload({ head: `${good.head}x` }), "payload is not a checkpoint"],
    ["a head in capitals", () => withPayload({ head: good.head.toUpperCase().replace(/[0-9]/g, "A") }), "payload is not a checkpoint"],
    ["a head of other characters", () => withPayload({ head: "g".repeat(64) }), "payload is not a checkpoint"],
    ["no time", () => without("at"), "payload is not a checkpoint"],
    ["a time that is a number", () => withPayload({ at: 0 }), "payload is not a checkpoint"],
    ["no final", () => without("final"), "payload is not a checkpoint"],
    ["a final that is a string", () => withPayload({ final: "true" }), "payload is not a checkpoint"],
  ];
  it.each(refused)("refuses %s", async (_name, jws, message) => {
    const verifying = verifyCheckpoint(await jws(), keyFor);
    await expect(verifying).rejects.toBeInstanceOf(CheckpointRejected);
    await expect(verifying).rejects.toThrow(message);
  });
});
