import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { ensureCluster } from "../../scripts/stack/pglite-template.js";
import { temporaryFolders } from "../support/temporary-folders.js";

// A nation's first database is a copy of one empty cluster, not an initdb of its own.
describe("a nation's first cluster, copied from the template", () => {
  const temporaryFolder = temporaryFolders();

  it("gives a folder that holds only the nation's agreements a working cluster, and keeps the agreements", async () => {
    const dataDir = join(temporaryFolder("tearline-template-"), "GBR");
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "agreements.json"), "{}");
    await ensureCluster(dataDir);
    expect(readFileSync(join(dataDir, "agreements.json"), "utf8")).toBe("{}");
    const db = new PGlite(dataDir);
    await db.exec("CREATE TABLE t (x int); INSERT INTO t VALUES (7)");
    expect((await db.query<{ x: number }>("SELECT x FROM t")).rows).toEqual([{ x: 7 }]);
    await db.close();
  });

  it("leaves a folder that already holds a cluster as it is", async () => {
    const dataDir = join(temporaryFolder("tearline-template-"), "FRA");
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "PG_VERSION"), "a cluster of its own\n");
    await ensureCluster(dataDir);
    expect(readFileSync(join(dataDir, "PG_VERSION"), "utf8")).toBe("a cluster of its own\n");
    expect(existsSync(join(dataDir, "base"))).toBe(false);
  });
});
