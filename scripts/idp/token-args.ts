import { CLASSIFICATIONS, isClassification } from "@tearline/policy";
import { isNationCode, NATIONS } from "../../subgraphs/nations.js";
import { parseCommandLine, UsageError } from "../command-line.js";
import type { DevTokenRequest } from "./sign.js";

/** The gateway refuses tokens that live longer than an hour, so none is minted. */
export const MAX_TTL_SECONDS = 3600;

export const TOKEN_USAGE = `Usage: npm run token -- --nation GBR --clearance SECRET --purposes CT,CYBER \\
         [--compartments ORCHID,...] [--scope "reports:read actors:read"] [--ttl 15m] [--subject who@gbr]
  --nation       one of ${NATIONS.join(", ")}
  --clearance    one of ${CLASSIFICATIONS.join(", ")}
  --purposes     comma-separated purposes of use the token authorises
  --ttl          lifetime such as 90s, 15m or 1h (at most 1h; default 15m)`;

export { UsageError };

const list = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/** `90s`, `15m` or `1h` in seconds, at most MAX_TTL_SECONDS. */
export function parseTtl(value: string): number {
  const match = /^(\d+)([smh])$/.exec(value.trim());
  if (!match) throw new UsageError(`--ttl ${value} is not a duration such as 90s, 15m or 1h`);
  const seconds = Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
  if (seconds < 1) throw new UsageError("--ttl must be at least 1s");
  if (seconds > MAX_TTL_SECONDS) throw new UsageError(`--ttl ${value} is longer than 1h, the longest lifetime the gateway accepts`);
  return seconds;
}

/** The token the command line asks for; throws a UsageError for anything wrong with it. */
export function parseTokenArgs(args: readonly string[]): DevTokenRequest {
  return requestOf(parseOptions(args).values);
}

const parseOptions = (args: readonly string[]) =>
  parseCommandLine({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      nation: { type: "string" },
      clearance: { type: "string" },
      purposes: { type: "string" },
      compartments: { type: "string" },
      scope: { type: "string", default: "" },
      ttl: { type: "string", default: "15m" },
      subject: { type: "string" },
    },
  });

function requestOf(values: ReturnType<typeof parseOptions>["values"]): DevTokenRequest {
  const nation = values.nation?.toUpperCase() ?? "";
  if (!isNationCode(nation)) throw new UsageError(`--nation must be one of ${NATIONS.join(", ")}`);
  const clearance = values.clearance?.toUpperCase();
  if (!isClassification(clearance)) throw new UsageError(`--clearance must be one of ${CLASSIFICATIONS.join(", ")}`);
  const purposes = list(values.purposes);
  if (purposes.length === 0) throw new UsageError("--purposes must name at least one purpose of use, such as CT");
  return {
    nation,
    clearance,
    purposes,
    compartments: list(values.compartments),
    scope: values.scope.trim(),
    ttlSeconds: parseTtl(values.ttl),
    subject: values.subject,
  };
}
