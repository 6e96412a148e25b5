import { describe, expect, it } from "vitest";
import { onlyAsked } from "../../gateway/fetch/asked-fields.js";

const QUERY = `query($r: [_Any!]!) {
  _entities(representations: $r) { ... on ThreatActor { __typename id named: name sightings { country } ...More } }
}
fragment More on ThreatActor { aliases }`;

describe("a subgraph's answer, less what it was not asked for", () => {
  it("keeps every field asked for, under its alias, through inline fragments, named fragments and lists", () => {
    const data = { _entities: [{ __typename: "ThreatActor", id: "1", named: "Owl", sightings: [{ country: "DEU" }], aliases: ["a"] }] };
    expect(onlyAsked(structuredClone(data), QUERY)).toEqual(data);
  });

  it("drops a field nobody asked for at every depth, and a field asked for under another name", () => {
    const data = JSON.parse(
      '{"_entities":[{"__typename":"ThreatActor","id":"1","name":"Owl","secretName":"x","sightings":[{"country":"DEU","sector":"ENERGY"},null]},null],"extra":1}',
    );
    expect(onlyAsked(data, QUERY)).toEqual({
      _entities: [{ __typename: "ThreatActor", id: "1", sightings: [{ country: "DEU" }, null] }, null],
    });
  });

  it("drops a __proto__ key a subgraph slipped in: it is an own key of the parsed answer, never the prototype", () => {
    const data = JSON.parse('{"_entities":[{"id":"1","__proto__":{"polluted":true}}]}');
    const kept = onlyAsked(data, QUERY) as { _entities: Array<Record<string, unknown>> };
    expect(Object.hasOwn(kept._entities[0]!, "__proto__")).toBe(false);
    expect(kept).toEqual({ _entities: [{ id: "1" }] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps a leaf's value whole, object or not, and drops all data of a query it cannot read", () => {
    expect(onlyAsked({ _entities: [{ id: { odd: 1 } }] }, QUERY)).toEqual({ _entities: [{ id: { odd: 1 } }] });
    expect(onlyAsked({ a: 1 }, "{ not graphql")).toBeNull();
    expect(onlyAsked({ a: 1 }, undefined)).toBeNull();
    expect(onlyAsked(null, QUERY)).toBeNull();
  });
});
