import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorDossierDocument } from "../../examples/analyst/__generated__/operations.js";
import { BUILDS } from "../../scripts/stack/build.js";
import { post } from "../support/graphql-client.js";
import { FULLY_CLEARED, startTestStack, type TestStack } from "../support/test-stack.js";

// `npm start` runs every service from a bundle made at start (ADR 0016); the other end-to-end tests run them under tsx.
describe("the stack as npm start runs it: every service from its bundle", () => {
  let stack: TestStack;
  // The folder a start killed with SIGKILL would leave behind: named by a process that has ended.
  const endedPid = spawnSync(process.execPath, ["-e", ""]).pid;
  const leftBehind = join(BUILDS, String(endedPid));

  beforeAll(async () => {
    mkdirSync(join(leftBehind, "gateway"), { recursive: true });
    stack = await startTestStack({ built: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("runs each service from its bundle, not under tsx", () => {
    const own = join(BUILDS, String(process.pid));
    expect(stack.gateway.child.spawnargs).toContain(join(own, "gateway/main.mjs"));
    expect(stack.idp.child.spawnargs).toContain(join(own, "scripts/idp/main.mjs"));
    for (const [nation, subgraph] of Object.entries(stack.subgraphs)) {
      expect(subgraph.child.spawnargs).toContain(join(own, `subgraphs/${nation}/main.mjs`));
      expect(subgraph.child.spawnargs).not.toContain("tsx");
    }
  });

  it("answers from all four nations: each bundle found its own files (supergraph, seed SQL, retention, configuration)", async () => {
    const { status, body } = await post(stack.gateway.url, ActorDossierDocument, { id: "TA-0003" }, await stack.headers(FULLY_CLEARED));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const actor = body.data!.threatActor as Record<string, unknown>;
    expect(actor.name).toEqual(expect.any(String)); // GBR
    expect(actor.assessment).toMatchObject({ threatLevel: expect.any(String) }); // FRA
    expect(actor.watchlistEntry).toMatch(/^DEU-WL:/); // DEU
    expect((actor.indicators as unknown[]).length).toBeGreaterThan(0); // EST
  });

  it("removes the builds of ended starts, and its own once stopped", async () => {
    expect(existsSync(leftBehind)).toBe(false);
    const own = join(BUILDS, String(process.pid));
    expect(existsSync(own)).toBe(true);
    await stack.stop();
    expect(existsSync(own)).toBe(false);
  });
});
