import type { NationCode } from "../../subgraphs/nations.js";
import { ACTOR_COUNT, actorId, actors, COUNTRIES, domain, EPOCH, ipv4, reports, SECTORS, TECHNIQUES } from "./domain.js";
import { type LabelMix, RECORDS, REGISTRY, recordLabels } from "./labels.js";
import { SeededRandom } from "./random.js";
import { insertRows, type SqlValue } from "./sql.js";

const LABEL_COLUMNS = ["classification", "releasable_to"];

/** Rows with their labels appended, drawn for `owner` from a stream of their own (seed + 5000). */
function labelled(owner: NationCode, mix: LabelMix, seed: number, rows: SqlValue[][]): SqlValue[][] {
  const next = recordLabels(owner, mix, seed + 5000);
  return rows.map((row) => {
    const label = next();
    return [...row, label.classification, label.releasableTo];
  });
}

/** The label of each nation's Report implementation, and the group narrower than it. */
const REPORT_LABELS: Record<NationCode, LabelMix> = {
  GBR: { ...RECORDS, base: { level: "CONFIDENTIAL", releasableTo: ["FVEY", "FRA", "DEU"] }, narrower: ["FVEY"] },
  FRA: { ...RECORDS, base: { level: "CONFIDENTIAL", releasableTo: ["EU", "GBR"] }, narrower: ["EU"] },
  DEU: { ...RECORDS, base: { level: "CONFIDENTIAL", releasableTo: ["EU", "GBR"] }, narrower: ["EU"] },
  EST: { ...RECORDS, base: { level: "RESTRICTED", releasableTo: ["NATO"] }, narrower: ["EU"] },
};

const reportInsert = (nation: NationCode, count: number, seed: number) =>
  insertRows(
    "reports",
    ["id", "actor_id", "title", "summary", "body", "reliability", "credibility", "collected_at", ...LABEL_COLUMNS],
    labelled(
      nation,
      REPORT_LABELS[nation],
      seed,
      reports(nation, count, seed).map((r) => [r.id, r.actorId, r.title, r.summary, r.body, r.reliability, r.credibility, r.collectedAt]),
    ),
  );

const NATO_RESTRICTED = { level: "RESTRICTED", releasableTo: ["NATO"] } as const;

function gbr(): string[] {
  const registry = actors().map((a): SqlValue[] => [a.id, a.name, a.aliases, a.motivation, a.attributedState]);
  return [
    insertRows(
      "threat_actors",
      ["id", "name", "aliases", "motivation", "attributed_state", ...LABEL_COLUMNS],
      labelled("GBR", { ...REGISTRY, base: NATO_RESTRICTED, narrower: ["FVEY"] }, 1, registry),
    ),
    reportInsert("GBR", 220, 101),
  ];
}

function fra(): string[] {
  const rng = new SeededRandom(201);
  const levels = ["LOW", "MODERATE", "SUBSTANTIAL", "SEVERE", "CRITICAL"];
  const assessed = actors().filter(() => rng.next() < 0.85);
  const rows = assessed.map((a): SqlValue[] => [
    a.id,
    rng.pick(levels),
    rng.pick(["LOW", "MEDIUM", "HIGH"]),
    `It is ${rng.pick(["likely", "highly likely", "a realistic possibility"])} that ${a.name} will continue ${rng.pick(TECHNIQUES)} over the next six months.`,
    rng.dateWithin(new Date("2025-06-01T00:00:00Z"), 150),
    rng.sample(SECTORS, rng.int(1, 3)),
  ]);
  const mix: LabelMix = { ...RECORDS, base: { level: "CONFIDENTIAL", releasableTo: ["NATO"] }, narrower: ["EU"] };
  return [
    insertRows(
      "assessments",
      ["actor_id", "threat_level", "confidence", "judgement", "assessed_at", "sectors_targeted", ...LABEL_COLUMNS],
      labelled("FRA", mix, 201, rows),
    ),
    reportInsert("FRA", 220, 202),
  ];
}

function deu(): string[] {
  const rng = new SeededRandom(301);
  const rows: SqlValue[][] = [];
  for (let n = 1; n <= 320; n++) {
    const sector = rng.pick(SECTORS);
    const country = rng.pick(COUNTRIES);
    rows.push([
      `DEU-S-${String(n).padStart(4, "0")}`,
      actorId(rng.int(1, ACTOR_COUNT)),
      rng.dateWithin(EPOCH, 690),
      country,
      sector,
      `${rng.pick(TECHNIQUES)} observed against a ${sector.toLowerCase()} operator in ${country}`,
      `BfV-${rng.hex(6).toUpperCase()}`,
    ]);
  }
  return [
    insertRows(
      "sightings",
      ["id", "actor_id", "observed_at", "country", "sector", "description", "source_ref", ...LABEL_COLUMNS],
      labelled("DEU", { ...RECORDS, base: NATO_RESTRICTED, narrower: ["EU"] }, 301, rows),
    ),
    reportInsert("DEU", 160, 302),
  ];
}

function est(): string[] {
  const rng = new SeededRandom(401);
  const tags = ["c2", "phishing", "malware", "scanner", "exfiltration", "wiper", "loader"];
  const rows: SqlValue[][] = [];
  const seen = new Set<string>();
  for (let n = 1; n <= 360; n++) {
    const kind = rng.pick(["IPV4", "DOMAIN", "SHA256"] as const);
    let value: string;
    do value = kind === "IPV4" ? ipv4(rng) : kind === "DOMAIN" ? domain(rng) : rng.hex(64);
    while (seen.has(value));
    seen.add(value);
    const firstSeen = rng.dateWithin(EPOCH, 600);
    const lastSeen = rng.dateWithin(new Date(firstSeen), 90);
    rows.push([
      `EST-I-${String(n).padStart(4, "0")}`,
      rng.next() < 0.9 ? actorId(rng.int(1, ACTOR_COUNT)) : null,
      kind,
      value,
      firstSeen,
      lastSeen,
      rng.int(20, 100),
      rng.sample(tags, rng.int(1, 3)),
    ]);
  }
  return [
    insertRows(
      "indicators",
      ["id", "actor_id", "kind", "value", "first_seen", "last_seen", "confidence", "tags", ...LABEL_COLUMNS],
      labelled("EST", { ...RECORDS, base: NATO_RESTRICTED, narrower: ["EU"] }, 401, rows),
    ),
    reportInsert("EST", 160, 402),
  ];
}

const GENERATORS: Record<NationCode, () => string[]> = { GBR: gbr, FRA: fra, DEU: deu, EST: est };

/** The deterministic seed SQL of one nation. */
export function seedSql(nation: NationCode): string {
  const header = `-- Synthetic seed data for ${nation}. Generated by \`npm run seed\`; do not edit.\n`;
  return `${header + GENERATORS[nation]().join("\n\n")}\n`;
}
