// `npm run example`: the example analyst client. It runs the three cross-partner
// operations in ./operations against a running gateway and prints what came back.

import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import {
  ActorDossierDocument,
  type ActorDossierQuery,
  IndicatorLookupDocument,
  RecentReportingDocument,
} from "./__generated__/operations.js";

const GATEWAY_URL = process.env.GATEWAY_URL ?? "http://127.0.0.1:4000/graphql";
const TOKEN = process.env.TEARLINE_TOKEN;
const PURPOSE = process.env.TEARLINE_PURPOSE ?? "CT";

if (!TOKEN) {
  console.error(`Set TEARLINE_TOKEN to a token from a nation's dev IdP, for example:
  TEARLINE_TOKEN=$(npm run -s token -- --nation DEU --clearance SECRET --purposes CT,CYBER --scope watchlist:read) npm run example`);
  process.exit(2);
}

interface Result<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: { code?: string; reason?: string } }>;
  extensions?: { classification?: { banner?: string } };
}

async function run<T, V>(document: TypedDocumentNode<T, V>, variables: V): Promise<Result<T>> {
  const response = await fetch(GATEWAY_URL, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, "x-purpose": PURPOSE },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as Result<T>;
}

function show(title: string, result: Result<unknown>): void {
  const banner = result.extensions?.classification?.banner ?? "NO BANNER: treat as the highest classification";
  console.log(`\n=== ${title}\n=== ${banner}`);
  console.log(JSON.stringify(result.data, null, 2));
  for (const error of result.errors ?? []) {
    const reason = error.extensions?.reason ? ` (${error.extensions.reason})` : "";
    console.log(`! ${error.extensions?.code ?? "ERROR"}${reason} at ${(error.path ?? []).join(".") || "(operation)"}: ${error.message}`);
  }
  console.log(`=== ${banner}`);
}

const dossier = await run(ActorDossierDocument, { id: process.argv[2] ?? "TA-0003" });
show("ActorDossier", dossier);

const firstIndicator = (dossier.data as ActorDossierQuery | undefined)?.threatActor?.indicators?.[0]?.value;
if (firstIndicator) show("IndicatorLookup", await run(IndicatorLookupDocument, { value: firstIndicator }));

show("RecentReporting", await run(RecentReportingDocument, { first: 2 }));
