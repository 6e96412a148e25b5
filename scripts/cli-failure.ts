/**
 * Prints why an operator's command failed on one line, whatever the cause
 * (operators grep logs; a configuration error's list of problems is joined),
 * and sets the exit code scripts read: 2 when the command refused its input
 * or the files it was given, 1 for anything else.
 */
export function reportFailure(command: string, error: unknown, refused: boolean): void {
  const message = (error instanceof Error ? error.message : String(error)).replace(/(:?)\s*\n\s*(?:- )?/g, (_, colon) =>
    colon ? ": " : "; ",
  );
  console.error(`${command}: ${message}`);
  process.exitCode = refused ? 2 : 1;
}
