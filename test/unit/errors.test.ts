import { describe, expect, it } from "vitest";
import { sanitiseError, subgraphUnavailable } from "../../gateway/errors.js";

describe("errors that leave the gateway", () => {
  it("keep the message and code of a validation error", () => {
    const out = sanitiseError({ message: "Cannot query field", extensions: { code: "GRAPHQL_VALIDATION_FAILED", stacktrace: ["at x"] } });
    expect(out).toEqual({ message: "Cannot query field", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
  });

  it("replace a subgraph's own error by a generic one that names the subgraph, keeping the path", () => {
    const out = sanitiseError({
      message: 'relation "threat_actors" does not exist at http://10.0.0.5:4001/graphql',
      path: ["threatActor", "name"],
      extensions: { code: "INTERNAL_SERVER_ERROR", serviceName: "GBR", exception: { stacktrace: ["..."] } },
    });
    expect(out).toEqual({
      message: "The GBR subgraph could not resolve this field",
      path: ["threatActor", "name"],
      extensions: { code: "SUBGRAPH_ERROR", subgraph: "GBR" },
    });
  });

  it("never trust a message that comes with INTERNAL_SERVER_ERROR, the code Apollo gives any error", () => {
    const out = sanitiseError({
      message: "request to http://10.1.2.3:4001/graphql failed; compartment ORCHID",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(out).toEqual({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
  });

  it("hide an unexpected error's message", () => {
    const out = sanitiseError({ message: "TypeError: cannot read x of undefined", extensions: {} });
    expect(out.message).toBe("Internal server error");
    expect(out.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
  });

  it("say which subgraph is unavailable or slow, never where it is", () => {
    expect(subgraphUnavailable("FRA", true).extensions).toEqual({ code: "SUBGRAPH_TIMEOUT", subgraph: "FRA" });
    expect(subgraphUnavailable("FRA", false).extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "FRA" });
    expect(sanitiseError(subgraphUnavailable("FRA", false).toJSON()).extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", subgraph: "FRA" });
  });
});
