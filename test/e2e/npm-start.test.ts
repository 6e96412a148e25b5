import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorSummaryDocument } from "../../examples/analyst/__generated__/operations.js";
import { signDevToken } from "../../scripts/idp/sign.js";
import { BUILDS } from "../../scripts/stack/build.js";
import { post } from "../support/graphql-client.js";
import { FULLY_CLEARED } from "../support/test-stack.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The command lines of a process's children (Linux). */
const childCommands = (pid: number): string[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((child) => readFileSync(`/proc/${child}/cmdline`, "utf8").replaceAll("\0", " "));

// `npm start` itself (ADR 0016): its launcher bundles scripts/start.ts and runs it without a TypeScript loader.
describe("npm start's launcher", () => {
  let launcher: ChildProcess;
  let gatewayUrl: string;
  // For the whole file (temporaryFolders removes its folders after each test).
  const keysDir = mkdtempSync(join(tmpdir(), "tearline-start-keys-"));
  const dataRoot = mkdtempSync(join(tmpdir(), "tearline-start-data-"));
  let output = "";

  beforeAll(async () => {
    const port = { GATEWAY_PORT: "0", IDP_PORT: "0", GBR_PORT: "0", FRA_PORT: "0", DEU_PORT: "0", EST_PORT: "0" };
    launcher = spawn(process.execPath, ["scripts/start.mjs"], {
      cwd: ROOT,
      env: { ...process.env, ...port, DATA_ROOT: dataRoot, KEYS_DIR: keysDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    launcher.stderr!.resume();
    gatewayUrl = await new Promise<string>((resolve, reject) => {
      launcher.stdout!.on("data", (chunk: Buffer) => {
        output += chunk;
        const url = /^\s+gateway\s+(http\S+)/m.exec(output)?.[1];
        if (url) resolve(url);
      });
      launcher.once("exit", (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
    });
  }, 90_000);
  afterAll(async () => {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill("SIGTERM");
      await new Promise((resolve) => launcher.once("exit", resolve));
    }
    rmSync(keysDir, { recursive: true, force: true });
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it("is what npm start runs", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(manifest.scripts.start).toBe("node scripts/start.mjs");
  });

  it("runs no TypeScript loader: neither in itself nor in any service it started", () => {
    expect(launcher.spawnargs).toEqual([process.execPath, "scripts/start.mjs"]);
    // The IdP, four subgraphs and the gateway; esbuild's service process is stopped once the bundles are made.
    const services = childCommands(launcher.pid!);
    expect(services).toHaveLength(6);
    for (const command of services) {
      expect(command).toContain(join(BUILDS, String(launcher.pid)));
      expect(command).not.toContain("tsx");
    }
  });

  it("answers through the gateway with a token from the dev IdP", async () => {
    const token = await signDevToken({ ...FULLY_CLEARED, keysDir, ttlSeconds: 300 });
    const headers = { authorization: `Bearer ${token}`, "x-purpose": "CT" };
    const { status, body } = await post(gatewayUrl, ActorSummaryDocument, { id: "TA-0003" }, headers);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect((body.data!.threatActor as { name: string }).name).toEqual(expect.any(String));
  });

  it("stops everything on SIGTERM and removes its bundles", async () => {
    const build = join(BUILDS, String(launcher.pid));
    expect(existsSync(join(build, "gateway/main.mjs"))).toBe(true);
    launcher.kill("SIGTERM");
    const code = await new Promise((resolve) => launcher.once("exit", resolve));
    expect(code).toBe(0);
    expect(existsSync(build)).toBe(false);
  });
});
