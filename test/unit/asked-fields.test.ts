import { describe, expect, it } from "vitest";
import { onlyAsked } from "../../gateway/fetch/asked-fields.js";

const TEXT = `query($r: [_Any!]!) {
  _entities(representations: $r) { ... on ThreatActor { __typename id named: name sightings { country } ...More } }
}
fragment More on ThreatActor { aliases }`;
// Each call its own text (a comment differs): what is asked is cached per text, and every test must read the query itself.
let calls = 0;
const freshQuery = () => `${TEXT}\n# ${++calls}`;

describe("a subgraph's answer, less what it was not asked for", () => {
  it("keeps every field asked for, under its alias, through inline fragments, named fragments and lists", () => {
    const data = { _entities: [{ __typename: "ThreatActor", id: "1", named: "Owl", sightings: [{ country: "DEU" }], aliases: ["a"] }] };
    expect(onlyAsked(structuredClone(data), freshQuery())).toEqual(data);
  });

  it("drops a field nobody asked for at every depth, and a field asked for under another name", () => {
    const data = JSON.parse(
      '{"_entities":[{"__typename":"ThreatActor","id":"1","name":"Owl","secretName":"x","sightings":[{"country":"DEU","sector":"ENERGY"},null]},null],"extra":1}',
    );
    expect(onlyAsked(data, freshQuery())).toEqual({
      _entities: [{ __typename: "ThreatActor", id: "1", sightings: [{ country: "DEU" }, null] }, null],
    });
  });

  it("drops a __proto__ key a subgraph slipped in: it is an own key of the parsed answer, never the prototype", () => {
    const data = JSON.parse('{"_entities":[{"id":"1","__proto__":{"polluted":true}}]}');
    const kept = onlyAsked(data, freshQuery()) as { _entities: Array<Record<string, unknown>> };
    expect(Object.hasOwn(kept._entities[0]!, "__proto__")).toBe(false);
    expect(kept).toEqual({ _entities: [{ id: "1" }] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads the operation wherever it stands among the fragments, and a fragment spread twice once", () => {
    const text = `fragment Named on ThreatActor { named: name }
query { _entities(representations: []) { ...Named ... on ThreatActor { ...Named id } } }`;
    expect(onlyAsked({ _entities: [{ named: "Owl", id: "1", name: "x" }] }, text)).toEqual({ _entities: [{ named: "Owl", id: "1" }] });
  });

  it("leaves a value of the wrong shape (a scalar where an object was asked) for the gateway to report", () => {
    expect(onlyAsked({ _entities: ["not an object", 7] }, freshQuery())).toEqual({ _entities: ["not an object", 7] });
  });

  it("keeps a leaf's value whole, object or not, and drops all data of a query it cannot read", () => {
    expect(onlyAsked({ _entities: [{ id: { odd: 1 } }] }, freshQuery())).toEqual({ _entities: [{ id: { odd: 1 } }] });
    expect(onlyAsked({ a: 1 }, "{ not graphql")).toBeNull();
    expect(onlyAsked({ a: 1 }, undefined)).toBeNull();
    expect(onlyAsked(null, freshQuery())).toBeNull();
  });
});
