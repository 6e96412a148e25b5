import { jtiSetting } from "../../lib/revocation-list.js";
import { isNationCode, NATIONS, type NationCode } from "../../subgraphs/nations.js";
import { folderOf } from "../agreement/args.js";
import { parseCommandLine, refuseRepeatedOptions, UsageError } from "../command-line.js";

export const REVOKE_USAGE = `Usage: npm run revoke -- --nation GBR --jti <jti> [--jti <jti> ...] [--data-root .data] [--keys-dir .keys]
       npm run revoke -- --nation GBR --list
  --jti     the jti of an access token of the nation's issuer: gateways refuse it as soon as they read the list
            (every 2 s by default) until no token with it can still be valid (1 h 5 min: the gateway
            accepts no token that lives longer than an hour)
  --list    the nation's signed revocation list, one token a line
DATA_ROOT and KEYS_DIR set the folders too.`;

export { UsageError };

export type RevokeCommand = { name: "list" } | { name: "revoke"; jtis: readonly string[] };

export interface RevokeInvocation {
  nation: NationCode;
  dataRoot: string;
  keysDir: string;
  command: RevokeCommand;
}

const parseOptions = (args: readonly string[]) =>
  parseCommandLine({
    args: [...args],
    strict: true,
    allowPositionals: false,
    tokens: true,
    options: {
      nation: { type: "string" },
      jti: { type: "string", multiple: true },
      list: { type: "boolean" },
      "data-root": { type: "string" },
      "keys-dir": { type: "string" },
    },
  });

function commandOf(jtis: readonly string[] | undefined, list: boolean | undefined): RevokeCommand {
  if (list && jtis !== undefined) throw new UsageError("--list and --jti do not go together: list, or revoke");
  if (list) return { name: "list" };
  if (jtis === undefined) throw new UsageError("nothing to do: give --jti <jti> to revoke a token, or --list");
  for (const jti of jtis) {
    const parsed = jtiSetting.safeParse(jti);
    if (!parsed.success) throw new UsageError(`--jti ${JSON.stringify(jti)} ${parsed.error.issues[0]?.message ?? "is not a jti"}`);
  }
  return { name: "revoke", jtis: [...new Set(jtis)] };
}

/** The invocation a command line asks for; throws a UsageError for anything wrong with it. */
export function parseRevokeArgs(
  args: readonly string[],
  context: { env: NodeJS.ProcessEnv; defaults: { dataRoot: string; keysDir: string } },
): RevokeInvocation {
  const { values, tokens } = parseOptions(args);
  refuseRepeatedOptions(tokens, ["jti"]);
  const nation = values.nation?.toUpperCase();
  if (nation === undefined) throw new UsageError(`--nation is required: one of ${NATIONS.join(", ")}`);
  if (!isNationCode(nation)) throw new UsageError(`--nation ${values.nation} is not a nation with an issuer (${NATIONS.join(", ")})`);
  return {
    nation,
    dataRoot: folderOf("--data-root", values["data-root"], "DATA_ROOT", context.env, context.defaults.dataRoot),
    keysDir: folderOf("--keys-dir", values["keys-dir"], "KEYS_DIR", context.env, context.defaults.keysDir),
    command: commandOf(values.jti, values.list),
  };
}
