import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Coalitions, parseCoalitions } from "@tearline/policy";

/** The coalitions file every component reads unless told otherwise. */
export const DEFAULT_COALITIONS_FILE = fileURLToPath(new URL("../config/coalitions.json", import.meta.url));

/** Reads and parses a coalitions file; the policy package parses, the caller reads. */
export function loadCoalitionsFile(path: string = DEFAULT_COALITIONS_FILE): Coalitions {
  return parseCoalitions(JSON.parse(readFileSync(path, "utf8")));
}
