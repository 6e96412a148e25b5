/**
 * Every error code Tearline gives a client, in one registry: nothing else
 * writes a code as a string. A client gets a code, a path and a reason
 * category (see REASONS in @tearline/policy), never a label value, a URL, a
 * library name or a stack trace.
 */
export const ErrorCode = {
  // HTTP and request shape
  BadRequest: "BAD_REQUEST",
  NotFound: "NOT_FOUND",
  MethodNotAllowed: "METHOD_NOT_ALLOWED",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  QueryTooLarge: "QUERY_TOO_LARGE",
  DuplicateHeader: "DUPLICATE_HEADER",
  HeadersTooLarge: "HEADERS_TOO_LARGE",
  RequestTimeout: "REQUEST_TIMEOUT",
  // identity
  Unauthenticated: "UNAUTHENTICATED",
  PurposeRequired: "PURPOSE_REQUIRED",
  PurposeNotAuthorised: "PURPOSE_NOT_AUTHORISED",
  // the operation
  GraphQLParseFailed: "GRAPHQL_PARSE_FAILED",
  GraphQLValidationFailed: "GRAPHQL_VALIDATION_FAILED",
  BadUserInput: "BAD_USER_INPUT",
  OperationResolutionFailure: "OPERATION_RESOLUTION_FAILURE",
  OperationNotSupported: "OPERATION_NOT_SUPPORTED",
  OperationTooComplex: "OPERATION_TOO_COMPLEX",
  OperationTooCostly: "OPERATION_TOO_COSTLY",
  NestingTooDeep: "NESTING_TOO_DEEP",
  IntrospectionDisabled: "INTROSPECTION_DISABLED",
  IntrospectionNotAlone: "INTROSPECTION_NOT_ALONE",
  // the policy
  ForbiddenField: "FORBIDDEN_FIELD",
  ForbiddenOperation: "FORBIDDEN_OPERATION",
  PolicyUnavailable: "POLICY_UNAVAILABLE",
  // subgraphs and the gateway itself
  SubgraphUnavailable: "SUBGRAPH_UNAVAILABLE",
  SubgraphTimeout: "SUBGRAPH_TIMEOUT",
  SubgraphError: "SUBGRAPH_ERROR",
  SubgraphResponseTooLarge: "SUBGRAPH_RESPONSE_TOO_LARGE",
  // bounded cost: an answer past its cap, and the gateway's concurrency limits (429 per caller, 503 for everyone)
  ResponseTooLarge: "RESPONSE_TOO_LARGE",
  TooManyOperations: "TOO_MANY_OPERATIONS",
  Overloaded: "OVERLOADED",
  Internal: "INTERNAL_SERVER_ERROR",
  // the audit trail, and the throttle that anomaly flags may set
  AuditUnavailable: "AUDIT_UNAVAILABLE",
  Throttled: "THROTTLED",
  // a nation's oversight view of the audit trail
  OversightForbidden: "OVERSIGHT_FORBIDDEN",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes Apollo Server itself gives; their messages are safe to pass on (suggestions are hidden before). */
export const ApolloErrorCode = {
  PersistedQueryNotFound: "PERSISTED_QUERY_NOT_FOUND",
  PersistedQueryNotSupported: "PERSISTED_QUERY_NOT_SUPPORTED",
} as const;
