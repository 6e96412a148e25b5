import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LARGEST_PAGE, PageSizeError, readPageSizes } from "../../lib/page-sizes.js";
import { composeNations } from "../../schema/composition.js";
import { loadSubgraphSdl, NATIONS, type NationCode } from "../../subgraphs/nations.js";
import { type NationHarness, nationHarness } from "../support/nation-harness.js";

const sdl = (fields: string) => parse(`type Item { id: ID! } type Query { ${fields} }`);

describe("page sizes, read from a schema (lib/page-sizes.ts)", () => {
  it("reads every nation's lists of objects, each with its default and maximum", () => {
    const gbr = readPageSizes(parse(loadSubgraphSdl("GBR")));
    expect(Object.fromEntries(gbr)).toEqual({
      "Query.threatActors": { default: 20, max: 100 },
      "Query.gbrReports": { default: 20, max: 100 },
      "ThreatActor.gbrReports": { default: 5, max: 100 },
    });
    for (const nation of NATIONS) expect(readPageSizes(parse(loadSubgraphSdl(nation))).size).toBeGreaterThan(0);
  });

  it("leaves lists of scalars alone: they are values of one record", () => {
    expect(readPageSizes(sdl("tags: [String!]! items(first: Int = 5): [Item!] @pageSize(max: 10)")).size).toBe(1);
  });

  it.each([
    ["no @pageSize", "items(first: Int = 5): [Item!]", /Query.items returns a list of objects without @pageSize/],
    ["no first argument", "items: [Item!] @pageSize(max: 10)", /without a nullable `first: Int` argument/],
    ["a required first", "items(first: Int!): [Item!] @pageSize(max: 10)", /without a nullable `first: Int` argument/],
    ["no default", "items(first: Int): [Item!] @pageSize(max: 10)", /needs a default from 0 to its @pageSize maximum 10/],
    ["a default past the maximum", "items(first: Int = 11): [Item!] @pageSize(max: 10)", /needs a default from 0 to/],
    ["a maximum of 0", "items(first: Int = 0): [Item!] @pageSize(max: 0)", /must be an integer from 1 to 1000/],
    ["a maximum past the largest page", `items(first: Int = 1): [Item!] @pageSize(max: ${LARGEST_PAGE + 1})`, /from 1 to 1000/],
    [
      "@pageSize on a single object",
      "item(first: Int = 1): Item @pageSize(max: 10)",
      /Query.item has @pageSize but does not return a list/,
    ],
  ])("refuses a list of objects with %s (fail closed)", (_case, fields, message) => {
    expect(() => readPageSizes(sdl(fields))).toThrow(PageSizeError);
    expect(() => readPageSizes(sdl(fields))).toThrow(message);
  });

  it("takes the smallest maximum when a field carries several", () => {
    expect(readPageSizes(sdl("items(first: Int = 5): [Item!] @pageSize(max: 50) @pageSize(max: 10)")).get("Query.items")).toEqual({
      default: 5,
      max: 10,
    });
  });

  it("fails composition on a nation's list without a bounded page", () => {
    const unbounded = (nation: NationCode) =>
      nation === "EST" ? loadSubgraphSdl(nation).replace("[Indicator!] @pageSize(max: 100)", "[Indicator!]") : loadSubgraphSdl(nation);
    const outcome = composeNations(["GBR", "EST"], unbounded);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.errors[0]).toMatchObject({ code: "PAGE_SIZES", message: expect.stringMatching(/indicators/) });
  });
});

describe("a nation's own page limits (subgraphs/shared/page-limits.ts)", () => {
  let gbr: NationHarness;
  beforeAll(async () => {
    gbr = await nationHarness("GBR");
  });
  afterAll(async () => {
    await gbr?.close();
  });

  it("refuses a page past the field's maximum before any resolver reads the database", async () => {
    const result = await gbr.execute("{ threatActors(first: 101) { id } }");
    expect(result.data?.threatActors).toBeNull();
    expect(result.errors?.map((e) => [e.message, e.extensions.code])).toEqual([["first must be from 0 to 100 here", "BAD_USER_INPUT"]]);
    expect(gbr.queries).toEqual([]);
  });

  it("refuses a negative page, and the same through a variable", async () => {
    const negative = await gbr.execute("{ threatActors(first: -1) { id } }");
    expect(negative.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    const variable = await gbr.execute('query($n: Int) { threatActor(id: "TA-0001") { gbrReports(first: $n) { id } } }', { n: 1000 });
    expect(variable.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("serves up to the maximum, the declared default when asked for none or null, and nothing for 0", async () => {
    const sizes = async (first: string) =>
      ((await gbr.execute(`{ threatActors${first} { id } }`)).data?.threatActors as unknown[] | null)?.length;
    expect(await sizes("(first: 100)")).toBeLessThanOrEqual(100);
    expect(await sizes("")).toBe(20);
    expect(await sizes("(first: null)")).toBe(20);
    expect(await sizes("(first: 0)")).toBe(0);
  });
});
