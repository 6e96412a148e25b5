import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { Supergraph } from "@apollo/federation-internals";
import { type AgreementBook, buildSupergraphIndex, type LabelIndex } from "@tearline/policy";
import { type GraphQLSchema, parse } from "graphql";
import type { Principal } from "../../gateway/auth/principal.js";
import { buildCostIndex } from "../../gateway/enforcement/cost-index.js";
import type { PolicyState } from "../../gateway/enforcement/policy-state.js";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import { stampLabelOwner } from "../../schema/stamp-owner.js";
import { openAgreements } from "./agreements-fixture.js";
import { type SubjectSpec, subjectOf } from "./subject-fixture.js";

const root = (path: string) => new URL(`../../${path}`, import.meta.url);
export const coalitions = loadCoalitionsFile();
const LABELS = readFileSync(root("schema/labels.graphql"), "utf8");
const PAGE_SIZE = readFileSync(root("schema/page-size.graphql"), "utf8");

const FEDERATION = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@external", "@requires", "@shareable", "@composeDirective"])
  @link(url: "https://tearline.dev/label/v1.0", import: ["@label"])
  @link(url: "https://tearline.dev/paging/v1.0", import: ["@pageSize"])
  @composeDirective(name: "@label")
  @composeDirective(name: "@pageSize")
`;

/** Composes small test subgraphs (SDL bodies, by nation) as `npm run compose` would. */
export function composeTestSupergraph(subgraphs: Record<string, string>): string {
  const result = composeServices(
    Object.entries(subgraphs).map(([name, body]) => ({
      name,
      url: `http://${name.toLowerCase()}.invalid/graphql`,
      typeDefs: stampLabelOwner(parse(`${FEDERATION}\n${LABELS}\n${PAGE_SIZE}\n${body}`), name),
    })),
  );
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join("\n"));
  return result.supergraphSdl;
}

export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** The policy a gateway would hold for a supergraph; agreements default to every nation sharing everything. */
export function policyStateOf(supergraphSdl: string, version = "test", agreements: AgreementBook = openAgreements()): PolicyState {
  return {
    schema: apiSchemaOf(supergraphSdl),
    index: buildSupergraphIndex(supergraphSdl, coalitions),
    costs: buildCostIndex(supergraphSdl),
    agreements,
    version,
  };
}

export function indexOf(supergraphSdl: string): LabelIndex {
  return buildSupergraphIndex(supergraphSdl, coalitions);
}

export type PrincipalSpec = SubjectSpec;

/** A verified caller for policy tests; every attribute can be overridden. */
export function principal(spec: PrincipalSpec = {}): Principal {
  const subject = subjectOf(spec);
  return {
    sub: "analyst@test",
    issuer: "https://idp.test",
    tokenId: "jti-1",
    ...subject,
    purposes: new Set(spec.purposes ?? [subject.purpose]),
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  };
}
