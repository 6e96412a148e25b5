import { loadPublishedSources, type PublishedSource } from "../published/config.js";

/** Where one nation's sharing agreements and the keys that sign them are. */
export type AgreementSource = PublishedSource;

/**
 * The agreements trust from AGREEMENTS_FILE (JSON) or AGREEMENTS (inline
 * JSON). With neither, no nation has an agreement in force: every nation
 * reads only its own data (fail closed), and the gateway says so at start.
 */
export function loadAgreementSources(env: NodeJS.ProcessEnv = process.env): AgreementSource[] {
  return loadPublishedSources(env, "AGREEMENTS");
}
