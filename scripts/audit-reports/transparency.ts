// `npm run transparency -- --from 2026-12-01 --to 2026-12-31`: the public summary of the audit trail, small counts suppressed.
import { TransparencyCounter, transparencyReport } from "../../lib/audit/transparency-report.js";
import { parseTransparencyArgs, TRANSPARENCY_USAGE } from "./args.js";
import { feedTrail } from "./read-trail.js";
import { renderTransparencyReport } from "./render-transparency.js";
import { runCommand } from "./run-command.js";

await runCommand("transparency", TRANSPARENCY_USAGE, async () => {
  const args = parseTransparencyArgs(process.argv.slice(2), process.env);
  if (args.help) return undefined;
  const counter = new TransparencyCounter(args.period);
  // Nothing of what was read (folder or database, chains) goes into the public report: only the counts.
  await feedTrail(args.trail, (event) => counter.add(event));
  const report = transparencyReport(counter.counts(), args.k);
  return args.json ? JSON.stringify(report, null, 2) : renderTransparencyReport(report);
});
