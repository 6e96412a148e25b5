import { mkdir, rmdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { AgreementDocument, AgreementTerms } from "@tearline/policy";
import { DEFAULT_PURPOSES_FILE, loadPurposesFile } from "../../lib/policy-files.js";
import { AgreementFileError, agreementDocumentPath, readAgreementDocument, writeAgreementDocument } from "./document-file.js";
import { agreementPrivateKeyPath } from "./keys.js";
import { withAgreementLock } from "./lock.js";

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

/** Whether there is a file (or anything) at `path`. */
const exists = (path: string) =>
  stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? false : Promise.reject(error)),
  );

/** The nation's verified document, or undefined; one that does not verify stops here, with the file named. */
async function publishedDocument(dataRoot: string, keysDir: string, nation: string): Promise<AgreementDocument | undefined> {
  return readAgreementDocument(dataRoot, keysDir, nation).catch((error: unknown) => {
    if (!(error instanceof AgreementFileError)) throw error;
    throw new AgreementFileError(
      `${error.message} (restore ${nation}'s agreement key, or delete the file to start again from the defaults)`,
    );
  });
}

/**
 * Gives every nation that has neither signed agreements nor an agreement key
 * yet its default document (creating the key). A document already there is
 * verified and kept as it is: one that does not verify stops here, with the
 * file named, rather than being silently replaced. A nation whose key exists
 * but whose document is gone (a wiped data directory) stops here too: its
 * document may have paused or narrowed what a partner gets, and the defaults
 * would silently release everything again.
 */
export async function ensureDefaultAgreements(options: DefaultAgreementsOptions): Promise<void> {
  const { dataRoot, keysDir } = options;
  const purposes = [...loadPurposesFile(options.purposesFile ?? DEFAULT_PURPOSES_FILE).keys()];
  const now = options.now ?? Date.now();
  for (const nation of options.nations) {
    if ((await publishedDocument(dataRoot, keysDir, nation)) !== undefined) continue;
    const path = agreementDocumentPath(dataRoot, nation);
    // 0700 as PostgreSQL wants its data directory: on PGlite, this folder is also the nation's database.
    const created = await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    try {
      // Under the lock, as the operator's commands: another start may be writing this nation's defaults right now.
      await withAgreementLock(dataRoot, nation, async () => {
        if ((await publishedDocument(dataRoot, keysDir, nation)) !== undefined) return;
        const key = agreementPrivateKeyPath(keysDir, nation);
        if (await exists(key)) {
          throw new AgreementFileError(
            `agreements document ${path} is missing but ${nation}'s agreement key ${key} exists: restore the document, or remove the key folder to start over with default agreements`,
          );
        }
        await writeAgreementDocument(dataRoot, keysDir, defaultAgreementDocument(nation, options.nations, purposes, now));
      });
    } catch (error) {
      // Refused: leave no empty data directory behind (rmdir removes none that holds anything).
      if (created !== undefined) await rmdir(dirname(path)).catch(() => undefined);
      throw error;
    }
  }
}
