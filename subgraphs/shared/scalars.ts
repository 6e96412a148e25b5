import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

function toIso(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new GraphQLError("DateTime cannot represent an invalid date");
  return date.toISOString();
}

/** ISO 8601 date-times in UTC; accepts Date objects and strings from the database. */
export const DateTimeScalar = new GraphQLScalarType({
  name: "DateTime",
  serialize: toIso,
  parseValue: toIso,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be a string", { nodes: ast });
    return toIso(ast.value);
  },
});
