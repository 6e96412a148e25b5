import pg from "pg";

/** The URL without its password, for a report. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    parsed.search = "";
    return parsed.toString();
  } catch {
    return "the audit database";
  }
}

/**
 * A connection to the audit database inside one read-only snapshot: what the
 * operators' commands read (chains, checkpoints, events) is the trail as it
 * was at one moment, whatever the gateway goes on writing. End it with end().
 */
export async function openDatabaseSnapshot(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: applicationName });
  // A connection lost between two reads must fail the read, not crash the command.
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}
