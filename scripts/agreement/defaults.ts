import type { AgreementDocument, AgreementTerms } from "@tearline/policy";
import { DEFAULT_PURPOSES_FILE, loadPurposesFile } from "../../lib/policy-files.js";
import { AgreementFileError, readAgreementDocument, writeAgreementDocument } from "./document-file.js";

const DAY_MS = 86_400_000;

export interface DefaultAgreementsOptions {
  /** Each nation's data directory is <dataRoot>/<NATION>. */
  dataRoot: string;
  /** Each nation's agreement key is under <keysDir>/agreements/<NATION>/. */
  keysDir: string;
  /** The nations that publish a document; each is every other one's partner. */
  nations: readonly string[];
  /** The purpose registry; default config/purposes.json. */
  purposesFile?: string;
  /** Epoch ms; default now. */
  now?: number;
}

/**
 * The first document of a nation: every other nation ACTIVE for a year, up to
 * TOP_SECRET, for every registered purpose, with no `covers`. It releases all
 * that the labels release, so that the demo shares as the labels alone decide.
 */
export function defaultAgreementDocument(
  nation: string,
  nations: readonly string[],
  purposes: Iterable<string>,
  now: number,
): AgreementDocument {
  const terms: AgreementTerms = {
    status: "ACTIVE",
    validFrom: now,
    expires: now + 365 * DAY_MS,
    ceiling: "TOP_SECRET",
    purposes: new Set(purposes),
    covers: null,
  };
  return {
    nation,
    version: 1,
    issuedAt: now,
    partners: new Map(nations.filter((partner) => partner !== nation).map((partner) => [partner, terms])),
  };
}

/**
 * Gives every nation that has no signed agreements yet its default document
 * (creating its agreement key on first use). A document already there is
 * verified and kept as it is: one that does not verify stops here, with the
 * file named, rather than being silently replaced.
 */
export async function ensureDefaultAgreements(options: DefaultAgreementsOptions): Promise<void> {
  const purposes = [...loadPurposesFile(options.purposesFile ?? DEFAULT_PURPOSES_FILE).keys()];
  const now = options.now ?? Date.now();
  for (const nation of options.nations) {
    const published = await readAgreementDocument(options.dataRoot, options.keysDir, nation).catch((error: unknown) => {
      if (!(error instanceof AgreementFileError)) throw error;
      throw new AgreementFileError(
        `${error.message} (restore ${nation}'s agreement key, or delete the file to start again from the defaults)`,
      );
    });
    if (published !== undefined) continue;
    await writeAgreementDocument(options.dataRoot, options.keysDir, defaultAgreementDocument(nation, options.nations, purposes, now));
  }
}
