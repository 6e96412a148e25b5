import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENVELOPE_HEADER, type EnvelopeSubject, signEnvelope } from "../../../lib/access-envelope.js";
import { type EnvelopeSigningKey, envelopeSigningKeyOf } from "../../../lib/envelope-key.js";
import { gatewayPrivateKeyPath } from "../../../scripts/gateway-key/keys.js";
import { envelopeSubject } from "../../support/envelope-subject.js";
import { startTestStack, type TestStack } from "../../support/test-stack.js";

// Threat model (b): a compromised or misconfigured gateway that holds the real gateway key and signs whatever it
// likes. The README promises: "a compromised one with a valid key still gets nothing the nation has not released".
// Every test asserts the secure behaviour. All hold today except the first (BREAK, high: see the report).

type Answer = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
};

const subject = envelopeSubject;

describe("a gateway holding the real key, asking FRA's subgraph directly (threat model b)", () => {
  let stack: TestStack;
  let key: EnvelopeSigningKey;

  beforeAll(async () => {
    stack = await startTestStack();
    key = envelopeSigningKeyOf(readFileSync(gatewayPrivateKeyPath(stack.keysDir), "utf8"));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** What the compromised gateway gets from `nation`'s subgraph for `query`, vouching for `who`. */
  const ask = async (
    who: EnvelopeSubject,
    query: string,
    variables?: Record<string, unknown>,
    nation: "FRA" | "GBR" | "DEU" | "EST" = "FRA",
  ) => {
    const token = signEnvelope(
      { subject: who, audience: nation, requestId: "rogue", query, variables, now: Date.now() },
      key.privateKey,
      key.kid,
    );
    const response = await fetch(stack.subgraphs[nation].url, {
      method: "POST",
      headers: { "content-type": "application/json", [ENVELOPE_HEADER]: token },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Answer };
  };
  const codes = (answer: Answer) => (answer.errors ?? []).map((e) => e.extensions?.code);

  // Skipped, on purpose, until subjects are bound to an identity provider's signature: as designed (issue 10), the
  // subgraph takes the subject on the gateway's word, so whoever holds the gateway's signing key can claim any subject.
  // Forwarding analysts' bearer tokens to every nation would let each nation replay them at the gateway; the fix is a
  // token exchange with each nation's provider, an issue of its own. This test is the acceptance test of that fix.
  it.skip("BREAK: refuses a subject no trusted issuer vouched for: the gateway key alone does not open FRA's own holdings", async () => {
    // No FRA analyst exists behind this: the gateway invents one, cleared for everything, and FRA's subgraph (and
    // its database) serve every FRA-only, TOP_SECRET record to it. The nation has released none of this to anyone
    // but its own analysts, whom only its own identity provider can vouch for.
    const invented = subject({ nation: "FRA", sub: "nobody@fra" });
    const { status, text, body } = await ask(invented, "{ fraReports(first: 100) { id body } }");
    const served = (body.data?.fraReports ?? []) as Array<{ id: string; body: string | null }>;
    expect({ status, served: served.length, rowsMarked: text.includes('"releasableTo":["FRA"]') }).toEqual({
      status: 401,
      served: 0,
      rowsMarked: false,
    });
  });

  it("gets nothing for a partner the nation has no agreement with, whatever clearance it claims", async () => {
    // Poland is in the EU, to which FRA's reports are releasable, but FRA has signed no agreement with it.
    const { body, text } = await ask(subject({ nation: "POL" }), "{ fraReports(first: 5) { id title } }");
    expect(body.data?.fraReports ?? null).toBeNull();
    expect(body.errors?.map((e) => e.extensions?.reasons)).toEqual([["AGREEMENT"]]);
    expect(text).not.toMatch(/FRA-R-/);
  });

  it("is refused _service, __schema and __type with a valid envelope: the nation's schema and labels stay its own", async () => {
    for (const query of ["{ _service { sdl } }", "{ __schema { types { name } } }", '{ __type(name: "FraReport") { fields { name } } }']) {
      const { text, body } = await ask(subject({ nation: "FRA" }), query);
      expect(body.data?._service ?? body.data?.__schema ?? body.data?.__type ?? null, query).toBeNull();
      expect(text, query).not.toMatch(/@label|releasableTo|ORCHID|judgement/);
    }
  });

  it("is refused an entity load of a type the nation does not resolve, without a typename, or of a non-entity type", async () => {
    const query = "query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on FraReport { id title } } }";
    for (const r of [
      [{ __typename: "Indicator", id: "x" }],
      [{ id: "FRA-R-0001" }],
      [{ __typename: "ThreatAssessment", actorId: "TA-0001" }],
      [{ __typename: "Query" }],
      [{ __typename: "_Service" }],
      ["FRA-R-0001"],
      [
        { __typename: "FraReport", id: "FRA-R-0001" },
        { __typename: "Nope", id: "y" },
      ],
    ]) {
      const { body, text } = await ask(subject({ nation: "GBR" }), query, { r });
      expect(body.data?._entities ?? null, JSON.stringify(r)).toBeNull();
      expect(codes(body), JSON.stringify(r)).toEqual(["FORBIDDEN_FIELD"]);
      expect(text).not.toMatch(/"title"/);
    }
  });

  it("is refused a withheld field however it is selected: aliases, inline fragments on the interface, named fragments", async () => {
    // FRA's report bodies are SECRET, releasable to GBR and DEU, compartment ORCHID: a DEU analyst without ORCHID may not.
    const query = `{ fraReports(first: 3) { id b: body ... on Report { body } ...F } } fragment F on FraReport { x: body, y: body }`;
    const { body } = await ask(subject({ nation: "DEU", compartments: [] }), query);
    const reports = body.data?.fraReports as Array<Record<string, unknown>>;
    expect(reports).toHaveLength(3);
    for (const report of reports) for (const name of ["b", "body", "x", "y"]) expect(report[name], name).toBeNull();
    expect(new Set(body.errors?.map((e) => String(e.extensions?.reasons)))).toEqual(new Set(["COMPARTMENT"]));
  });

  it("gets no database error text back: a resolver's own error is replaced, not passed through", async () => {
    // A NUL byte cannot be stored in PostgreSQL text: the query fails inside the resolver.
    const { text, body } = await ask(subject({ nation: "FRA" }), "query ($a: ID) { fraReports(actorId: $a) { id } }", { a: "TA\u0000" });
    expect(codes(body)).toEqual(["FORBIDDEN_FIELD"]);
    expect(text).not.toMatch(/byte sequence|0x00|UTF8|SELECT |FROM reports|\.ts:\d+|\.js:\d+/i);
  });

  it("gets only the rows the claimed subject may read: rows above its clearance stay in the database", async () => {
    const query = "query ($o: Int) { fraReports(first: 100, offset: $o) { id } }";
    const idsFor = async (clearance: string) => {
      const ids: string[] = [];
      for (let offset = 0; ; offset += 100) {
        const { body } = await ask(subject({ nation: "DEU", clearance }), query, { o: offset });
        const page = (body.data?.fraReports ?? []) as Array<{ id: string }>;
        ids.push(...page.map((r) => r.id));
        if (page.length < 100) return ids;
      }
    };
    const topSecret = await idsFor("TOP_SECRET");
    const confidential = await idsFor("CONFIDENTIAL");
    expect(confidential.length).toBeGreaterThan(0);
    expect(confidential.length).toBeLessThan(topSecret.length);
  });
});
