// `npm run oversight -- --nation GBR --from 2026-12-01 --to 2026-12-03`: a nation's access report from the audit trail (folder or database).
import { AccessReportBuilder } from "../../lib/audit/access-report.js";
import { OVERSIGHT_USAGE, parseOversightArgs } from "./args.js";
import { feedTrail } from "./read-trail.js";
import { renderAccessReport } from "./render-access.js";
import { runCommand } from "./run-command.js";

await runCommand("oversight", OVERSIGHT_USAGE, async () => {
  const args = parseOversightArgs(process.argv.slice(2), process.env);
  if (args.help) return undefined;
  const builder = new AccessReportBuilder(args.nation, args.period);
  const read = await feedTrail(args.trail, (event) => builder.add(event));
  const report = builder.report();
  return args.json ? JSON.stringify({ ...report, read }, null, 2) : renderAccessReport(report, read);
});
