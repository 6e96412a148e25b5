import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { decisionSites } from "../../gateway/enforcement/decision-sites.js";
import { specifiedQueryRules } from "../../gateway/rules/index.js";
import { inlineFragments } from "../../gateway/transforms/inline-fragments.js";
import { testState } from "../support/plan-harness.js";

const sitesOf = (operation: string) => {
  const sites = decisionSites(testState, inlineFragments(parse(operation), undefined, 1000)!, specifiedQueryRules);
  return { size: sites.size, places: [...sites.values()].map(({ parentTypes, fieldName }) => `${parentTypes.join("|")}.${fieldName}`) };
};

describe("decisionSites", () => {
  it("finds every place a field is decided at, once each, in the order met, with every type it can be reached on", () => {
    expect(sitesOf(`{ actor(id: "1") { name secretName } items { title } again: actor(id: "2") { name } }`)).toEqual({
      size: 5,
      places: ["Query.actor", "Actor.name", "Actor.secretName", "Query.items", "Cable|Memo.title"],
    });
  });

  it("goes below every field, whoever could be denied it, and leaves out __typename", () => {
    // An outsider is denied Query.actor, yet the places below it are found: someone else's walk reaches them.
    expect(sitesOf(`{ __typename actor(id: "1") { __typename realName } }`).places).toEqual(["Query.actor", "Actor.realName"]);
  });
});
