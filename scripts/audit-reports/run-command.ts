import { UsageError } from "./args.js";

/**
 * Runs a report command: what it returns goes to stdout; a refused command
 * line is one line on stderr and exit 2, any other failure one line and exit 1
 * (operators grep logs, and scripts read the exit code, as with npm run agreement).
 */
export async function runCommand(name: string, usage: string, run: () => Promise<string | undefined>): Promise<void> {
  try {
    const output = await run();
    process.stdout.write(`${output ?? usage}\n`);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, "; ");
    console.error(`${name}: ${message}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
