import { composeTestSupergraph } from "./policy-harness.js";

/**
 * A small two-nation supergraph that exercises every case the label check
 * must handle: a shared entity labelled differently by each nation, field
 * labels of every kind, an interface and a union with differently labelled
 * implementations, @requires, and a REJECT label.
 */
export const TEST_SUPERGRAPH = composeTestSupergraph({
  GBR: `
    type Query @label(level: UNCLASSIFIED, releasableTo: ["NATO"]) {
      actor(id: ID!): Actor
      actors(first: Int = 20): [Actor!] @pageSize(max: 100)
      items(first: Int = 20): [Item!] @pageSize(max: 100)
      search(first: Int = 20): [SearchResult!] @pageSize(max: 100)
      strictActors(first: Int = 20): [Actor!]! @pageSize(max: 100)
    }
    type Mutation @label(level: UNCLASSIFIED, releasableTo: ["NATO"]) {
      flagActor(id: ID!): Boolean
    }
    type Actor @key(fields: "id") @label(level: RESTRICTED, releasableTo: ["NATO"]) {
      id: ID!
      name: String!
      secretName: String @label(level: SECRET)
      codeword: String! @label(level: RESTRICTED, compartments: ["ORCHID"])
      realName: String @label(level: TOP_SECRET, releasableTo: ["FRA"])
    }
    interface Item { id: ID! title: String }
    type Memo implements Item @key(fields: "id") @label(level: RESTRICTED, releasableTo: ["NATO"]) { id: ID! title: String }
    type Cable implements Item @key(fields: "id") @label(level: SECRET, releasableTo: ["FVEY"]) {
      id: ID!
      title: String @label(level: TOP_SECRET, releasableTo: ["FVEY"])
    }
    union SearchResult = Memo | Cable
  `,
  FRA: `
    type Actor @key(fields: "id") @label(level: CONFIDENTIAL, releasableTo: ["NATO"]) {
      id: ID!
      name: String! @external
      assessment: String
      nickname: String @requires(fields: "name")
      realName: String @external
      initials: String @requires(fields: "realName")
      purposeBound: String @label(level: RESTRICTED, releasableTo: ["NATO"], purposes: ["CT"])
      scoped: String @label(level: RESTRICTED, releasableTo: ["NATO"], scopes: ["a:read", "b:read"])
      hot: String @label(level: SECRET, onDeny: REJECT)
      euOnly: String @label(level: RESTRICTED, releasableTo: ["EU"])
    }
  `,
});
