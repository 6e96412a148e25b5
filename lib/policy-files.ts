import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Coalitions, PolicyDocumentError, parseCoalitions } from "@tearline/policy";

/** The coalitions file every component reads unless told otherwise. */
export const DEFAULT_COALITIONS_FILE = fileURLToPath(new URL("../config/coalitions.json", import.meta.url));

/** The registry of purpose-of-use codes every component reads unless told otherwise. */
export const DEFAULT_PURPOSES_FILE = fileURLToPath(new URL("../config/purposes.json", import.meta.url));

/** Purpose-of-use codes (`CT`), each with its one-line description, in the file's order. */
export type Purposes = ReadonlyMap<string, string>;

const PURPOSE_CODE = /^[A-Z][A-Z0-9_]*$/;

/** Reads and parses a coalitions file; the policy package parses, the caller reads. */
export function loadCoalitionsFile(path: string = DEFAULT_COALITIONS_FILE): Coalitions {
  return parseCoalitions(JSON.parse(readFileSync(path, "utf8")));
}

/**
 * Reads the purpose-of-use registry: a JSON object, code → one-line
 * description. Throws a PolicyDocumentError naming the file and every bad
 * entry, so that a malformed registry is never half-used.
 */
export function loadPurposesFile(path: string = DEFAULT_PURPOSES_FILE): Purposes {
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new PolicyDocumentError(`purposes file ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new PolicyDocumentError(`purposes file ${path}: must be an object of purpose code → description`);
  }
  const entries = Object.entries(input);
  const problems: string[] = [];
  if (entries.length === 0) problems.push("it names no purpose");
  for (const [code, description] of entries) {
    if (!PURPOSE_CODE.test(code)) problems.push(`${JSON.stringify(code)} is not a purpose code (capitals, digits and _, from a capital)`);
    if (typeof description !== "string" || description.trim() === "" || /[\r\n]/.test(description)) {
      problems.push(`${code}: the description must be one non-empty line`);
    }
  }
  if (problems.length > 0) throw new PolicyDocumentError(`Invalid purposes file ${path}:\n  - ${problems.join("\n  - ")}`);
  return new Map(entries as Array<[string, string]>);
}
