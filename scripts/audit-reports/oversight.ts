// `npm run oversight -- --nation GBR --from 2026-12-01 --to 2026-12-03`: a nation's access report from the audit folder.
import { isAbsolute, relative } from "node:path";
import { AccessReportBuilder } from "../../lib/audit/access-report.js";
import { folderEntrySource } from "../../lib/audit/entry-source.js";
import { OVERSIGHT_USAGE, parseOversightArgs } from "./args.js";
import { feedTrail } from "./read-trail.js";
import { renderAccessReport } from "./render-access.js";
import { runCommand } from "./run-command.js";

await runCommand("oversight", OVERSIGHT_USAGE, async () => {
  const args = parseOversightArgs(process.argv.slice(2), process.env);
  if (args.help) return undefined;
  const builder = new AccessReportBuilder(args.nation, args.period);
  // A folder under the working directory (npm run's, the repository) is named as the operator would type it: .data/audit.
  const shown = relative(process.cwd(), args.dir);
  const dir = shown === "" || shown.startsWith("..") || isAbsolute(shown) ? args.dir : shown;
  const read = await feedTrail(folderEntrySource(args.dir), dir, (event) => builder.add(event));
  const report = builder.report();
  return args.json ? JSON.stringify({ ...report, read }, null, 2) : renderAccessReport(report, read);
});
