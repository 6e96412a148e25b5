import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The bin folder of the newest PostgreSQL server installed from Debian's packages, if any. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TempPostgres {
  /** A connection URL to `database` as `user` (default the cluster's superuser, tearline; every login is trusted). */
  url(database: string, user?: string): string;
  createDatabase(name: string): void;
  stop(): void;
}

/**
 * A throwaway PostgreSQL cluster on a free loopback port. initdb refuses to run
 * as root, so as root the cluster belongs to the `postgres` system user.
 */
export async function startTempPostgres(binDir: string): Promise<TempPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "tearline-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(binDir, bin), ...args]] : [join(binDir, bin), args];
    const result = spawnSync(cmd as string, argv as string[], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${bin} failed: ${result.stderr || result.stdout}`);
  };
  const port = await freePort();
  run("initdb", ["-D", data, "-A", "trust", "-U", "tearline", "--no-sync"]);
  run("pg_ctl", [
    "-D",
    data,
    "-w",
    "-l",
    join(dir, "log"),
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start",
  ]);
  const url = (database: string, user = "tearline") => `postgresql://${user}@127.0.0.1:${port}/${database}`;
  return {
    url,
    createDatabase(name) {
      execFileSync(join(binDir, "psql"), [url("postgres"), "-q", "-c", `CREATE DATABASE ${name}`]);
    },
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
