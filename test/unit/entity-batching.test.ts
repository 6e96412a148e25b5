import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NationHarness, nationHarness } from "../support/nation-harness.js";

const actorIds = Array.from({ length: 25 }, (_, i) => `TA-${String(i + 1).padStart(4, "0")}`);
const representations = (typename: string, ids: string[], extra: Record<string, unknown> = {}) =>
  ids.map((id) => ({ __typename: typename, id, ...extra }));

const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ...Fields } }`;

describe("entity resolution is batched: one SQL query per batch, not one per key", () => {
  const harness: Record<string, NationHarness> = {};

  beforeAll(async () => {
    const [gbr, fra, deu, est] = await Promise.all(["GBR", "FRA", "DEU", "EST"].map((n) => nationHarness(n as never)));
    Object.assign(harness, { GBR: gbr, FRA: fra, DEU: deu, EST: est });
  });
  afterAll(async () => {
    await Promise.all(Object.values(harness).map((h) => h.close()));
  });

  it("GBR resolves 25 ThreatActor references with one query, in order, unknown ids as null", async () => {
    const ids = [...actorIds, "TA-9999"];
    const result = await harness.GBR!.execute(`${ENTITIES} fragment Fields on ThreatActor { id name aliases }`, {
      representations: representations("ThreatActor", ids),
    });
    expect(result.errors).toBeUndefined();
    const entities = result.data?._entities as Array<{ id: string; name: string } | null>;
    expect(entities.map((e) => e?.id ?? null)).toEqual([...actorIds, null]);
    expect(harness.GBR!.queries).toHaveLength(1);
    expect(harness.GBR!.queries[0]).toMatch(/FROM threat_actors WHERE id = ANY\(\$1\)/);
  });

  it("GBR resolves report references and each report's actor with one query each", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `GBR-R-${String(i + 1).padStart(4, "0")}`);
    const result = await harness.GBR!.execute(`${ENTITIES} fragment Fields on GbrReport { id admiralty actor { name } }`, {
      representations: representations("GbrReport", ids),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toHaveLength(12);
    expect(harness.GBR!.queries).toHaveLength(2);
  });

  it("FRA loads the assessments of 25 actors with one query", async () => {
    const result = await harness.FRA!.execute(`${ENTITIES} fragment Fields on ThreatActor { id assessment { threatLevel } }`, {
      representations: representations("ThreatActor", actorIds),
    });
    expect(result.errors).toBeUndefined();
    expect(harness.FRA!.queries).toHaveLength(1);
  });

  it("DEU loads the newest sightings of 25 actors with one query and derives watchlist entries from @requires", async () => {
    const result = await harness.DEU!.execute(
      `${ENTITIES} fragment Fields on ThreatActor { id sightings(first: 2) { id observedAt } watchlistEntry }`,
      { representations: representations("ThreatActor", actorIds, { name: "Amber Owl" }) },
    );
    expect(result.errors).toBeUndefined();
    const entities = result.data?._entities as Array<{ sightings: unknown[]; watchlistEntry: string }>;
    expect(entities.every((e) => e.sightings.length <= 2)).toBe(true);
    expect(entities.some((e) => e.sightings.length === 2)).toBe(true);
    expect(entities[0]!.watchlistEntry).toBe("DEU-WL:AMBER-OWL");
    expect(harness.DEU!.queries).toHaveLength(1);
  });

  it("EST loads indicators of 25 actors with one query, and indicator references with one more", async () => {
    const byActor = await harness.EST!.execute(`${ENTITIES} fragment Fields on ThreatActor { indicators(first: 3) { value } }`, {
      representations: representations("ThreatActor", actorIds),
    });
    expect(byActor.errors).toBeUndefined();
    expect(harness.EST!.queries).toHaveLength(1);

    const ids = Array.from({ length: 30 }, (_, i) => `EST-I-${String(i + 1).padStart(4, "0")}`);
    const byId = await harness.EST!.execute(`${ENTITIES} fragment Fields on Indicator { value kind }`, {
      representations: representations("Indicator", ids),
    });
    expect(byId.errors).toBeUndefined();
    expect(harness.EST!.queries).toHaveLength(1);
  });
});
