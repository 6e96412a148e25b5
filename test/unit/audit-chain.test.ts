import { CompactSign } from "jose";
import { describe, expect, it } from "vitest";
import { type ChainEntry, chainEntry } from "../../lib/audit/chain.js";
import { verifyChain } from "../../lib/audit/verify-chain.js";
import { verifyStoredChain } from "../../lib/audit/verify-trail.js";
import { CHAIN, checkpoint, closed, gateway, keyFor, lines, link, original, stranger, text } from "../support/audit-chain-fixture.js";
import { operation } from "../support/audit-trail.js";

// A chain and its checkpoints, verified as `npm run audit:verify` does, after each kind of tampering.

const verify = (events: string, checkpoints: string | undefined, chain = CHAIN) =>
  verifyStoredChain({ chain, events, checkpoints }, keyFor);

/** Changes one field of one event, keeping the hash it had. */
const edited = (entries: readonly ChainEntry[], index: number): ChainEntry[] =>
  entries.map((entry, at) => (at === index ? { ...entry, event: { ...entry.event, at: "2027-01-01T00:00:00.000Z" } } : entry));

/** The same signed payload, with another head, and the original signature. */
async function headSwapped(): Promise<string> {
  const [header, payload, signature] = (await checkpoint(3)).split(".");
  const changed = { ...JSON.parse(Buffer.from(payload!, "base64url").toString()), head: original[3]!.hash };
  return [header, Buffer.from(JSON.stringify(changed)).toString("base64url"), signature].join(".");
}

interface Tampering {
  what: string;
  events: () => string;
  checkpoints: () => Promise<string[]>;
  stored?: string;
  position: string;
  problem: RegExp;
}

const TAMPERINGS: Tampering[] = [
  { what: "an event edited", events: () => text(edited(original, 2)), checkpoints: closed, position: "event 3", problem: /it was edited/ },
  {
    what: "an event edited and every hash after it recomputed: only the checkpoint sees it",
    events: () =>
      text([
        ...original.slice(0, 2),
        ...link(
          edited(original, 2)
            .slice(2)
            .map((entry) => entry.event),
          3,
          original[1]!.hash,
        ),
      ]),
    checkpoints: closed,
    position: "checkpoint 1",
    problem: /head is not the chain's hash after event 3/,
  },
  {
    what: "an event deleted",
    events: () => text([...original.slice(0, 2), ...original.slice(3)]),
    checkpoints: closed,
    position: "event 3",
    problem: /it says it is event 4: an event was removed/,
  },
  {
    what: "an event deleted and the ones after it renumbered",
    events: () => text([...original.slice(0, 2), ...original.slice(3).map((entry) => ({ ...entry, seq: entry.seq - 1 }))]),
    checkpoints: closed,
    position: "event 3",
    problem: /previous hash is not the hash of the event before it/,
  },
  {
    what: "two events reordered",
    events: () => text([...original.slice(0, 2), original[3]!, original[2]!, ...original.slice(4)]),
    checkpoints: closed,
    position: "event 3",
    problem: /it says it is event 4/,
  },
  {
    what: "an event inserted, chained to the one before it",
    events: () => text([...original.slice(0, 2), chainEntry(3, original[1]!.hash, operation(99)), ...original.slice(2)]),
    checkpoints: closed,
    position: "event 4",
    problem: /it says it is event 3/,
  },
  {
    what: "the tail cut after a checkpoint counted it",
    events: () => text(original.slice(0, 4)),
    checkpoints: closed,
    position: "checkpoint 2",
    problem: /vouches for 6 events, the chain has 4: events after 4 were removed/,
  },
  {
    what: "a checkpoint forged with a key the gateway never had",
    events: () => text(original),
    checkpoints: async () => [await checkpoint(3, { key: stranger })],
    position: "checkpoint 1",
    problem: new RegExp(`signed by key ${stranger.kid}, which is not a gateway key`),
  },
  {
    what: "a checkpoint forged with another key under the gateway key's kid",
    events: () => text(original),
    checkpoints: async () => [await checkpoint(3, { key: stranger, kid: gateway.kid })],
    position: "checkpoint 1",
    problem: /signature does not verify/,
  },
  {
    what: "a signed checkpoint whose head was changed afterwards",
    events: () => text(original),
    checkpoints: async () => [await headSwapped()],
    position: "checkpoint 1",
    problem: /signature does not verify/,
  },
  {
    what: "a checkpoint signed by the gateway key over a head that is not the chain's",
    events: () => text(original),
    checkpoints: async () => [await checkpoint(3, { head: original[3]!.hash })],
    position: "checkpoint 1",
    problem: /its head is not the chain's hash after event 3/,
  },
  {
    what: "a checkpoint of another chain",
    events: () => text(original),
    checkpoints: async () => [await checkpoint(3), await checkpoint(4, { chain: "gateway-other" })],
    position: "checkpoint 2",
    problem: /it is for chain gateway-other/,
  },
  {
    what: "another kind of JWS signed by the gateway key (an envelope) posing as a checkpoint",
    events: () => text(original),
    checkpoints: async () => [
      await new CompactSign(new TextEncoder().encode("{}"))
        .setProtectedHeader({ alg: "EdDSA", typ: "tearline-envelope+jwt", kid: gateway.kid })
        .sign(gateway.privateKey),
    ],
    position: "checkpoint 1",
    problem: /not an audit checkpoint/,
  },
  {
    what: "a partial last event line",
    events: () => text(original).slice(0, -40),
    checkpoints: async () => [await checkpoint(3)],
    position: "line 6",
    problem: /a partial line/,
  },
  {
    what: "an event after the final checkpoint",
    events: () => text([...original, chainEntry(7, original[5]!.hash, operation(6))]),
    checkpoints: closed,
    position: "event 7",
    problem: /an event after the chain's final checkpoint/,
  },
  {
    what: "a checkpoint after the final one",
    events: () => text(original),
    checkpoints: async () => [...(await closed()), await checkpoint(6)],
    position: "checkpoint 3",
    problem: /follows the chain's final checkpoint/,
  },
  {
    what: "a chain that does not begin with its start",
    events: () => text(link(original.slice(1).map((entry) => entry.event))),
    checkpoints: async () => [],
    position: "event 1",
    problem: /must begin with its chain-start event/,
  },
  {
    what: "a chain stored under another chain's name",
    events: () => text(original),
    checkpoints: closed,
    stored: "gateway-20260202T000000Z-1-fedcba",
    position: "event 1",
    problem: new RegExp(`it starts chain ${CHAIN}, but is stored as chain gateway-20260202T000000Z-1-fedcba`),
  },
  {
    what: "every event deleted",
    events: () => "",
    checkpoints: async () => [],
    position: "event 1",
    problem: /the chain is empty/,
  },
];

describe("verifying a chain and its signed checkpoints", () => {
  it("finds an untouched, closed chain intact: its count, head and checkpoints", async () => {
    expect(await verify(text(original), lines(await closed()))).toEqual({
      ok: true,
      chain: CHAIN,
      count: 6,
      head: original[5]!.hash,
      checkpoints: 2,
      closed: true,
      unsigned: 0,
    });
  });

  it("finds a chain still being written intact, with the events after its last checkpoint unsigned", async () => {
    expect(await verify(text(original), lines([await checkpoint(3)]))).toMatchObject({
      ok: true,
      checkpoints: 1,
      closed: false,
      unsigned: 3,
    });
    expect(verifyChain(text(original), [])).toMatchObject({ ok: true, count: 6, checkpoints: 0, unsigned: 6 });
  });

  it.each(TAMPERINGS)("names the first bad position: $what", async ({ events, checkpoints, stored, position, problem }) => {
    const verdict = await verify(events(), lines(await checkpoints()), stored);
    expect(verdict).toEqual({ ok: false, position, problem: expect.stringMatching(problem) });
  });

  it("names a cut checkpoint line, and a missing checkpoints file", async () => {
    const [first, second] = await closed();
    expect(await verify(text(original), `${first}\n${second!.slice(0, 30)}`)).toEqual({
      ok: false,
      position: "checkpoint 2",
      problem: "a partial line: the last write did not complete",
    });
    expect(await verify(text(original), undefined)).toEqual({
      ok: false,
      position: "checkpoints",
      problem: "the chain's checkpoints file is missing",
    });
  });

  it("names an event's problem before a checkpoint's: the first event that is wrong is where to look", async () => {
    expect(await verify(text(edited(original, 4)), lines([await checkpoint(3, { key: stranger })]))).toMatchObject({
      ok: false,
      position: "event 5",
    });
  });
});
