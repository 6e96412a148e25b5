import { type AgreementBook, agreementCheck, decideField, type FieldPolicy, FOREVER } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { documentOf, type TermsSpec } from "../../support/agreements-fixture.js";
import { principal, requirementOf, type SubjectSpec } from "./fixtures.js";

// FRA owns the field; the caller is GBR unless a row says otherwise. Time is in days from 0 for readability.
const DAY = 86_400_000;
const NOW = 100 * DAY;
const fraWith = (terms: TermsSpec | undefined): AgreementBook =>
  new Map([["FRA", documentOf("FRA", terms ? { GBR: terms } : { DEU: {} })]]);

interface Row {
  name: string;
  /** FRA's terms for GBR; undefined: FRA's document has no entry for GBR. */
  terms: TermsSpec | undefined;
  caller?: SubjectSpec;
  level?: "RESTRICTED" | "SECRET" | "TOP_SECRET";
  /** The field decided, on its concrete types; default ThreatActor.name. */
  field?: { types: string[]; name: string };
  allows: boolean;
  /** When the answer may change. */
  validUntil: number;
}

const rows: Row[] = [
  { name: "active, within dates, ceiling and purpose", terms: { validFrom: 0, expires: 200 * DAY }, allows: true, validUntil: 200 * DAY },
  { name: "paused", terms: { status: "PAUSED", expires: 200 * DAY }, allows: false, validUntil: 200 * DAY },
  {
    name: "not yet valid: allowed from validFrom",
    terms: { validFrom: 150 * DAY, expires: 200 * DAY },
    allows: false,
    validUntil: 150 * DAY,
  },
  { name: "valid from exactly now", terms: { validFrom: NOW, expires: 200 * DAY }, allows: true, validUntil: 200 * DAY },
  { name: "expired", terms: { validFrom: 0, expires: 50 * DAY }, allows: false, validUntil: FOREVER },
  { name: "expires exactly now", terms: { validFrom: 0, expires: NOW }, allows: false, validUntil: FOREVER },
  { name: "ceiling below the level", terms: { ceiling: "CONFIDENTIAL" }, level: "SECRET", allows: false, validUntil: FOREVER },
  { name: "ceiling at the level", terms: { ceiling: "SECRET" }, level: "SECRET", allows: true, validUntil: FOREVER },
  { name: "purpose outside", terms: { purposes: ["CYBER"] }, caller: { purpose: "CT" }, allows: false, validUntil: FOREVER },
  { name: "purpose inside", terms: { purposes: ["CYBER", "CT"] }, caller: { purpose: "CT" }, allows: true, validUntil: FOREVER },
  { name: "type covered", terms: { covers: ["ThreatActor"] }, allows: true, validUntil: FOREVER },
  { name: "field covered", terms: { covers: ["ThreatActor.name"] }, allows: true, validUntil: FOREVER },
  { name: "another field of the type covered", terms: { covers: ["ThreatActor.alias"] }, allows: false, validUntil: FOREVER },
  { name: "another type covered", terms: { covers: ["Report"] }, allows: false, validUntil: FOREVER },
  {
    name: "interface field: every concrete type must be covered",
    terms: { covers: ["Memo"] },
    field: { types: ["Memo", "Cable"], name: "title" },
    allows: false,
    validUntil: FOREVER,
  },
  {
    name: "interface field: all covered, by type or field",
    terms: { covers: ["Memo", "Cable.title"] },
    field: { types: ["Memo", "Cable"], name: "title" },
    allows: true,
    validUntil: FOREVER,
  },
  { name: "no entry for the caller's nation", terms: undefined, allows: false, validUntil: FOREVER },
  { name: "the owner's own analyst needs no agreement", terms: undefined, caller: { nation: "FRA" }, allows: true, validUntil: FOREVER },
];

describe("the agreement check: the owner's sharing agreement releases the field to the caller's nation now", () => {
  it.each(rows)("$name", (row) => {
    const requirement = requirementOf({ owner: "FRA", level: row.level ?? "RESTRICTED" });
    const subject = principal({ nation: "GBR", purposes: ["CT"], ...row.caller });
    const context = { now: NOW, agreements: fraWith(row.terms), field: row.field ?? { types: ["ThreatActor"], name: "name" } };
    expect(agreementCheck.allows(requirement, subject, context)).toBe(row.allows);
    expect(agreementCheck.validUntil!(requirement, subject, context)).toBe(row.validUntil);
  });

  it("releases nothing from an owner with no verified document in force, nor for a requirement with no owner", () => {
    const subject = principal({ nation: "GBR" });
    const context = { now: NOW, agreements: new Map(), field: { types: ["ThreatActor"], name: "name" } };
    expect(agreementCheck.allows(requirementOf({ owner: "FRA" }), subject, context)).toBe(false);
    const open = { ...context, agreements: fraWith({}) };
    expect(agreementCheck.allows(requirementOf({ owner: null }), subject, open)).toBe(false);
    expect(agreementCheck.allows(requirementOf({ owner: null }), principal({ nation: "FRA" }), open)).toBe(false);
  });

  it("releases only covered fields when the field being decided is not known", () => {
    const requirement = requirementOf({ owner: "FRA" });
    const subject = principal({ nation: "GBR" });
    expect(agreementCheck.allows(requirement, subject, { now: NOW, agreements: fraWith({ covers: ["ThreatActor"] }) })).toBe(false);
    expect(agreementCheck.allows(requirement, subject, { now: NOW, agreements: fraWith({}) })).toBe(true);
  });

  it("reads another owner's document for another owner's field, never the first one's", () => {
    const agreements: AgreementBook = new Map([
      ["FRA", documentOf("FRA", { GBR: {} })],
      ["DEU", documentOf("DEU", { GBR: { status: "PAUSED" } })],
    ]);
    const context = { now: NOW, agreements };
    expect(agreementCheck.allows(requirementOf({ owner: "FRA" }), principal({ nation: "GBR" }), context)).toBe(true);
    expect(agreementCheck.allows(requirementOf({ owner: "DEU" }), principal({ nation: "GBR" }), context)).toBe(false);
  });
});

describe("decideField with agreements", () => {
  const index = new Map<string, FieldPolicy>([
    ["ThreatActor.name", { requirements: [requirementOf({ owner: "FRA", releasableTo: ["GBR"] })], mark: undefined as never }],
  ]);

  it("withholds with the AGREEMENT reason, and never serves an allow past the agreement's expiry", () => {
    const subject = principal({ nation: "GBR" });
    const paused = decideField(index, ["ThreatActor"], "name", subject, { now: NOW, agreements: fraWith({ status: "PAUSED" }) });
    expect(paused).toMatchObject({ allowed: false, reasons: ["AGREEMENT"] });
    const active = decideField(index, ["ThreatActor"], "name", subject, { now: NOW, agreements: fraWith({ expires: 200 * DAY }) });
    expect(active).toEqual({ allowed: true, validUntil: 200 * DAY });
  });

  it("reports AGREEMENT only as the whole reason: beside another it would tell the agreement's terms", () => {
    const secret = new Map<string, FieldPolicy>([
      [
        "ThreatActor.name",
        { requirements: [requirementOf({ owner: "FRA", level: "SECRET", releasableTo: ["GBR"] })], mark: undefined as never },
      ],
    ]);
    const low = principal({ nation: "GBR", clearance: "CONFIDENTIAL" });
    const narrow = { now: NOW, agreements: fraWith({ ceiling: "CONFIDENTIAL" }) };
    expect(decideField(secret, ["ThreatActor"], "name", low, narrow)).toMatchObject({ reasons: ["CLEARANCE"] });
    expect(decideField(secret, ["ThreatActor"], "name", low, { now: NOW, agreements: fraWith({}) })).toMatchObject({
      reasons: ["CLEARANCE"],
    });
    const cleared = principal({ nation: "GBR", clearance: "SECRET" });
    expect(decideField(secret, ["ThreatActor"], "name", cleared, narrow)).toMatchObject({ reasons: ["AGREEMENT"] });
  });

  it("passes the field to the check, so that covers by field name applies", () => {
    const subject = principal({ nation: "GBR" });
    const agreements = fraWith({ covers: ["ThreatActor.name"] });
    expect(decideField(index, ["ThreatActor"], "name", subject, { now: NOW, agreements }).allowed).toBe(true);
    const other = fraWith({ covers: ["ThreatActor.alias"] });
    expect(decideField(index, ["ThreatActor"], "name", subject, { now: NOW, agreements: other })).toMatchObject({ reasons: ["AGREEMENT"] });
  });
});
