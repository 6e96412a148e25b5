import type { EnvelopeSubject } from "../../lib/access-envelope.js";

/** A German analyst cleared for everything, as a gateway envelope describes a caller; overrides change one attribute. */
export const envelopeSubject = (overrides: Partial<EnvelopeSubject> = {}): EnvelopeSubject => ({
  nation: "DEU",
  sub: "analyst@deu",
  clearance: "TOP_SECRET",
  compartments: ["ORCHID", "HARBOR"],
  scopes: ["watchlist:read"],
  purpose: "CT",
  ...overrides,
});
