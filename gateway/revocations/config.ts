import { loadPublishedSources, type PublishedSource } from "../published/config.js";

/** Where one nation publishes its signed revocation list, and its agreement keys that sign it. */
export type RevocationSource = PublishedSource;

/**
 * The revocation lists from REVOCATIONS_FILE (JSON) or REVOCATIONS (inline
 * JSON), in the shape of AGREEMENTS: `[{ nation, url, keys }]`. A nation
 * listed here has each of its tokens checked against its list, and none
 * accepted while no list of it is verified; a nation not listed has no
 * revocation, and the gateway says so at start.
 */
export function loadRevocationSources(env: NodeJS.ProcessEnv = process.env): RevocationSource[] {
  return loadPublishedSources(env, "REVOCATIONS");
}
