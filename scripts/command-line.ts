import { type ParseArgsConfig, parseArgs } from "node:util";

/** Bad command-line input: the command prints its one line on stderr and exits 2. */
export class UsageError extends Error {}

/**
 * Node's parseArgs, its refusals as UsageErrors: only the first sentence of Node's message, which goes on with advice
 * about positionals that a command without them does not need.
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]!.split(". ")[0]!);
  }
}

/** Refuses an option given twice, whose second value would silently win; those in `repeatable` may come again. */
export function refuseRepeatedOptions(
  tokens: ReadonlyArray<{ kind: string; name?: string }> | undefined,
  repeatable: readonly string[] = [],
): void {
  const seen = new Set<string>();
  for (const token of tokens ?? []) {
    if (token.kind !== "option" || token.name === undefined || repeatable.includes(token.name)) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
    seen.add(token.name);
  }
}
