import type { NationCode } from "../../subgraphs/nations.js";
import { SeededRandom } from "./random.js";

// Synthetic vocabulary. Attributed states use ISO 3166's user-assigned X-codes,
// so that no real country is named as a sponsor.
const ADJECTIVES = [
  "Amber",
  "Cobalt",
  "Crimson",
  "Dusky",
  "Ember",
  "Frost",
  "Granite",
  "Hollow",
  "Indigo",
  "Jade",
  "Lunar",
  "Mire",
  "Night",
  "Onyx",
  "Pale",
  "Quiet",
  "Rust",
  "Silent",
  "Tidal",
  "Umber",
];
const ANIMALS = ["Heron", "Lynx", "Marten", "Owl", "Pike", "Raven", "Stoat", "Viper", "Wolf", "Badger", "Crane", "Falcon"];
const MOTIVATIONS = ["ESPIONAGE", "FINANCIAL", "SABOTAGE", "HACKTIVISM", "INFLUENCE"] as const;
const STATES = ["XVA", "XKR", "XOR", "XTE", null, null] as const;
export const SECTORS = ["ENERGY", "FINANCE", "GOVERNMENT", "DEFENCE", "TELECOM", "TRANSPORT", "HEALTH"] as const;
const COUNTRIES = ["GBR", "FRA", "DEU", "EST", "LVA", "LTU", "POL", "NLD", "BEL", "NOR", "FIN", "SWE"];
const TECHNIQUES = [
  "spear-phishing",
  "password spraying",
  "exploitation of edge VPN appliances",
  "supply-chain compromise",
  "watering-hole attacks",
  "abuse of cloud tenants",
  "DDoS against public portals",
  "wiper deployment",
  "credential theft from webmail",
];
const TLDS = ["com", "net", "org", "info", "site", "online"];
const DOMAIN_WORDS = ["update", "secure", "cdn", "mail", "portal", "login", "cloud", "sync", "gov-docs", "invoice"];

export const EPOCH = new Date("2024-01-01T00:00:00Z");
export const ACTOR_COUNT = 80;

export interface Actor {
  id: string;
  name: string;
  aliases: string[];
  motivation: (typeof MOTIVATIONS)[number];
  attributedState: string | null;
}

export const actorId = (n: number) => `TA-${String(n).padStart(4, "0")}`;

/** The shared registry of threat actors that every nation reports on. */
export function actors(): Actor[] {
  const rng = new SeededRandom(1);
  const names = new Set<string>();
  const out: Actor[] = [];
  for (let n = 1; n <= ACTOR_COUNT; n++) {
    let name: string;
    do name = `${rng.pick(ADJECTIVES)} ${rng.pick(ANIMALS)}`;
    while (names.has(name));
    names.add(name);
    const aliases = [`UNC${rng.int(1000, 4999)}`];
    if (rng.next() < 0.6) aliases.push(`TG-${rng.int(100, 999)}`);
    out.push({ id: actorId(n), name, aliases, motivation: rng.pick(MOTIVATIONS), attributedState: rng.pick(STATES) });
  }
  return out;
}

export interface ReportRow {
  id: string;
  actorId: string | null;
  title: string;
  summary: string;
  body: string;
  reliability: string;
  credibility: number;
  collectedAt: string;
}

/** A nation's finished reports; most are about a registry actor. */
export function reports(nation: NationCode, count: number, seed: number): ReportRow[] {
  const rng = new SeededRandom(seed);
  const registry = actors();
  const out: ReportRow[] = [];
  for (let n = 1; n <= count; n++) {
    const actor = rng.next() < 0.9 ? rng.pick(registry) : null;
    const sector = rng.pick(SECTORS).toLowerCase();
    const country = rng.pick(COUNTRIES);
    const technique = rng.pick(TECHNIQUES);
    const who = actor ? actor.name : "An unattributed cluster";
    out.push({
      id: `${nation}-R-${String(n).padStart(4, "0")}`,
      actorId: actor?.id ?? null,
      title: `${who}: ${technique} against the ${sector} sector in ${country}`,
      summary: `${who} used ${technique} against ${sector} organisations in ${country}. Activity is assessed as ongoing.`,
      body: `${nation} collection indicates that ${who} conducted ${technique} against at least ${rng.int(2, 40)} ${sector} organisations in ${country}. Initial access was followed by lateral movement within ${rng.int(1, 14)} days. Recommended action: review logs for the associated indicators and share sightings with partners.`,
      reliability: rng.pick(["A", "B", "B", "C", "C", "D", "E", "F"]),
      credibility: rng.int(1, 6),
      collectedAt: rng.dateWithin(EPOCH, 690),
    });
  }
  return out;
}

export function ipv4(rng: SeededRandom): string {
  return `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

export function domain(rng: SeededRandom): string {
  return `${rng.pick(DOMAIN_WORDS)}-${rng.hex(5)}.${rng.pick(TLDS)}`;
}

export { COUNTRIES, TECHNIQUES };
