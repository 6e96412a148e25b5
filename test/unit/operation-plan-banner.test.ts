import { describe, expect, it } from "vitest";
import { bannerLevels, planOf, SECRET_GBR } from "../support/plan-harness.js";

// The banner the plan prepares: the marks of each response key the caller may see.

describe("the plan: decide, then rewrite, before the query planner sees anything", () => {
  it("plans the banner: each response key takes the marks of every type condition it is reached under", () => {
    const { plan } = planOf(`{ search { ... on Memo { title } ... on Cable { title } } actor(id: "1") { name } }`, {
      nation: "GBR",
      clearance: "TOP_SECRET",
    });
    if (plan.kind !== "execute") throw new Error(`expected an executable plan, got ${plan.kind}`);
    // Memo.title is RESTRICTED and Cable.title TOP_SECRET: one key, both marks, the higher level.
    expect(bannerLevels(plan.banner)).toEqual({
      search: "SECRET",
      "search.title": "TOP_SECRET",
      actor: "RESTRICTED",
      "actor.name": "RESTRICTED",
    });
  });

  it("plans the banner of a response key selected twice as the higher of both places, whichever comes first", () => {
    // search is selected twice; its title is RESTRICTED on a Memo and TOP_SECRET on a Cable.
    for (const op of [
      `{ search { ... on Memo { title } } search { ... on Cable { title } } }`,
      `{ search { ... on Cable { title } } search { ... on Memo { title } } }`,
    ]) {
      const { plan } = planOf(op, { nation: "GBR", clearance: "TOP_SECRET" });
      if (plan.kind !== "execute") throw new Error(`expected an executable plan, got ${plan.kind}`);
      expect([op, bannerLevels(plan.banner)]).toEqual([op, { search: "SECRET", "search.title": "TOP_SECRET" }]);
    }
  });

  it("leaves withheld fields out of the banner plan", () => {
    const { plan } = planOf(`{ search { ... on Memo { title } ... on Cable { title } } }`, SECRET_GBR);
    if (plan.kind !== "execute") throw new Error(`expected an executable plan, got ${plan.kind}`);
    expect(bannerLevels(plan.banner)).toEqual({ search: "SECRET", "search.title": "RESTRICTED" });
  });
});
