import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { replaceAtomically } from "../../lib/atomic-files.js";

/** The highest version of a kind of published document the gateway has put in force per nation, and the key that signed it. */
export type VersionFloors = Record<string, { version: number; kid: string }>;

/**
 * The floor file: kept across restarts so that a restarted gateway cannot be
 * fed an older signed document (a rollback) that it has already seen
 * superseded. A floor binds only while its key is still the nation's.
 */
export class VersionFloorFile {
  constructor(private readonly path: string) {}

  async load(): Promise<VersionFloors> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    const floors: VersionFloors = {};
    if (typeof parsed === "object" && parsed !== null)
      for (const [nation, floor] of Object.entries(parsed as Record<string, unknown>)) {
        const { version, kid } = (floor ?? {}) as { version?: unknown; kid?: unknown };
        if (typeof version === "number" && typeof kid === "string") floors[nation] = { version, kid };
      }
    return floors;
  }

  async save(floors: VersionFloors): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await replaceAtomically(this.path, `${JSON.stringify(floors, null, 2)}\n`, 0o600);
  }
}
