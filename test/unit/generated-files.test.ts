import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { composeNations } from "../../schema/composition.js";
import { seedSql } from "../../scripts/seed/nations.js";
import { NATIONS, nationFile } from "../../subgraphs/nations.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("committed generated files are fresh", () => {
  it("schema/supergraph.graphql and schema/api.graphql match a new composition (npm run compose)", () => {
    const outcome = composeNations();
    if (!outcome.ok) throw new Error(outcome.errors.map((e) => e.message).join("\n"));
    expect(read("schema/supergraph.graphql")).toBe(outcome.supergraphSdl);
    expect(read("schema/api.graphql")).toBe(outcome.apiSdl);
  });

  it.each(NATIONS)("subgraphs/%s/seed.sql matches the seed generator (npm run seed)", (nation) => {
    expect(readFileSync(nationFile(nation, "seed.sql"), "utf8")).toBe(seedSql(nation));
  });

  it("every __generated__ file matches codegen (npm run codegen)", async () => {
    const run = promisify(execFile);
    const bin = new URL("../../node_modules/.bin/graphql-codegen", import.meta.url).pathname;
    // --check exits non-zero, without writing, when any output would change.
    await expect(
      run(bin, ["--config", "codegen.yml", "--check"], { cwd: new URL("../../", import.meta.url).pathname }),
    ).resolves.toBeDefined();
  });
});
