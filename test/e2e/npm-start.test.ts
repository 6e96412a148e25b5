import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorSummaryDocument } from "../../examples/analyst/__generated__/operations.js";
import { signDevToken } from "../../scripts/idp/sign.js";
import { BUILDS } from "../../scripts/stack/build.js";
import { startStack } from "../../scripts/stack/stack.js";
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
  // For the whole describe (temporaryFolders removes its folders after each test); made in beforeAll, so that a run
  // that filters these tests out makes none.
  let keysDir: string;
  let dataRoot: string;
  let output = "";

  beforeAll(async () => {
    keysDir = mkdtempSync(join(tmpdir(), "tearline-start-keys-"));
    dataRoot = mkdtempSync(join(tmpdir(), "tearline-start-data-"));
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
    if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill("SIGTERM");
      await new Promise((resolve) => launcher.once("exit", resolve));
    }
    for (const folder of [keysDir, dataRoot]) if (folder) rmSync(folder, { recursive: true, force: true });
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

describe("npm start's launcher, when it cannot start", () => {
  /** Runs the launcher to its end; its exit code, what it wrote to stderr, and whether its bundles remain. */
  const run = async (env: NodeJS.ProcessEnv) => {
    const launcher = spawn(process.execPath, ["scripts/start.mjs"], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    launcher.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => launcher.once("exit", resolve));
    return { code, stderr, bundlesLeft: existsSync(join(BUILDS, String(launcher.pid))) };
  };

  it("refuses a setting with its name and exit code 2, and leaves no bundle behind", async () => {
    const { code, stderr, bundlesLeft } = await run({ GATEWAY_PORT: "not-a-port" });
    expect(code).toBe(2);
    expect(stderr).toContain("GATEWAY_PORT");
    expect(bundlesLeft).toBe(false);
  });

  it("reports a stack that cannot start (a data root that is a file), exits 1, and leaves no bundle behind", async () => {
    const folder = mkdtempSync(join(tmpdir(), "tearline-start-bad-"));
    try {
      const file = join(folder, "not-a-folder");
      writeFileSync(file, "");
      const { code, stderr, bundlesLeft } = await run({
        DATA_ROOT: file,
        KEYS_DIR: join(folder, "keys"),
        GATEWAY_PORT: "0",
        IDP_PORT: "0",
      });
      expect(code).toBe(1);
      expect(stderr).toContain("Tearline did not start");
      expect(bundlesLeft).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("startStack itself removes its bundles when it fails before any service starts", async () => {
    const folder = mkdtempSync(join(tmpdir(), "tearline-start-bad-"));
    try {
      const file = join(folder, "not-a-folder");
      writeFileSync(file, "");
      const ports = { GBR: 0, FRA: 0, DEU: 0, EST: 0 };
      const starting = startStack({
        built: true,
        dataRoot: file,
        keysDir: join(folder, "keys"),
        gatewayPort: 0,
        idpPort: 0,
        subgraphPorts: ports,
        log: () => undefined,
      });
      await expect(starting).rejects.toThrow();
      expect(existsSync(join(BUILDS, String(process.pid)))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

// npm passes a SIGTERM on to the `sh -c` it runs the script with, not to the script: the shell ends, the start is orphaned.
describe("npm start's launcher, orphaned", () => {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** The processes running one of the launcher's bundles: its services. */
  const servicesOf = (launcher: number) =>
    readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(join(BUILDS, String(launcher)));
        } catch {
          return false; // ended meanwhile
        }
      })
      .map(Number);

  /** Starts npm start's launcher under a shell, kills the shell once `when` appears on stdout, and checks the end. */
  const orphan = async (when: RegExp) => {
    const folder = mkdtempSync(join(tmpdir(), "tearline-start-orphan-"));
    const port = { GATEWAY_PORT: "0", IDP_PORT: "0", GBR_PORT: "0", FRA_PORT: "0", DEU_PORT: "0", EST_PORT: "0" };
    // `; true` keeps the shell in between, as npm's is.
    const shell = spawn("sh", ["-c", `"${process.execPath}" scripts/start.mjs; true`], {
      cwd: ROOT,
      env: { ...process.env, ...port, DATA_ROOT: join(folder, "data"), KEYS_DIR: join(folder, "keys") },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let launcher = 0;
    try {
      let output = "";
      await new Promise<void>((resolve, reject) => {
        shell.stdout!.on("data", (chunk: Buffer) => {
          output += chunk;
          if (when.test(output)) resolve();
        });
        shell.once("exit", () => reject(new Error(`the shell ended first: ${output}`)));
      });
      launcher = Number(readFileSync(`/proc/${shell.pid}/task/${shell.pid}/children`, "utf8").trim());
      shell.kill("SIGKILL");
      const deadline = Date.now() + 60_000;
      while (alive(launcher) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(alive(launcher)).toBe(false);
      expect(servicesOf(launcher)).toEqual([]);
      expect(existsSync(join(BUILDS, String(launcher)))).toBe(false);
    } finally {
      // Whatever the outcome, nothing the test started outlives it.
      shell.kill("SIGKILL");
      for (const pid of launcher ? [launcher, ...servicesOf(launcher)] : []) if (alive(pid)) process.kill(pid, "SIGKILL");
      rmSync(folder, { recursive: true, force: true });
    }
  };

  it("stops every service and removes its bundles once the process that started it is gone", async () => {
    await orphan(/^\s+gateway\s+http/m);
  }, 90_000);

  it("does so too when orphaned while the stack was still starting, once it is up", async () => {
    await orphan(/^Starting Tearline/m);
  }, 120_000);
});
