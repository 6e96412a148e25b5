import type { AuditEvent, FieldAccess, FlagEvent, OperationEvent } from "./event.js";

/** An event as one nation's oversight sees it: an operation or a flag, narrowed to that nation. */
export type NationEvent = OperationEvent | FlagEvent;

/**
 * The event as `nation` may see it, or undefined when it did not touch that
 * nation's data: an operation that asked for at least one field the nation
 * owns or called the nation's subgraph, or a flag the nation was notified of.
 *
 * Every property is copied by name, never spread: a property a later version
 * of the event adds stays out of every nation's view until someone decides
 * who may see it (fail closed). Fields owned only by other nations, other
 * nations' subgraph calls and agreement versions, and the other nations a
 * flag notified are left out. What stays: who called (the nation's data was
 * reached, so the caller is the nation's business), the operation's name and
 * outcome (its hash only when the operation asked for nothing and called no
 * subgraph but the nation's), and each kept field whole, its co-owners and every
 * reason included (the schema says who co-owns a coordinate, and a nation
 * must see why its own field was withheld).
 */
export function eventForNation(event: AuditEvent, nation: string): NationEvent | undefined {
  if (event.kind === "operation") return operationForNation(event, nation);
  if (event.kind === "flag") return flagForNation(event, nation);
  return undefined;
}

function operationForNation(event: OperationEvent, nation: string): OperationEvent | undefined {
  const fields = event.fields.filter((field) => field.owners.includes(nation)).map(copyField);
  const subgraphs = event.subgraphs.filter((subgraph) => subgraph === nation);
  if (fields.length === 0 && subgraphs.length === 0) return undefined;
  const version = event.agreements[nation];
  return {
    kind: "operation",
    at: event.at,
    requestId: event.requestId,
    status: event.status,
    caller: event.caller && {
      nation: event.caller.nation,
      sub: event.caller.sub,
      issuer: event.caller.issuer,
      tokenId: event.caller.tokenId,
    },
    purpose: event.purpose,
    operationName: event.operationName,
    // The hash is of the whole text, other nations' fields and arguments included: matched against known
    // operations it would tell what else was asked. Shown only when everything asked and called was this nation's.
    operationHash: fields.length === event.fields.length && subgraphs.length === event.subgraphs.length ? event.operationHash : null,
    fields,
    subgraphs,
    agreements: version === undefined ? {} : { [nation]: version },
    result: event.result,
    code: event.code,
  };
}

const copyField = (field: FieldAccess): FieldAccess => ({
  coordinate: field.coordinate,
  owners: [...field.owners],
  decision: field.decision,
  reasons: [...field.reasons],
});

function flagForNation(event: FlagEvent, nation: string): FlagEvent | undefined {
  if (!event.owners.includes(nation)) return undefined;
  return {
    kind: "flag",
    at: event.at,
    flag: event.flag,
    subject: { nation: event.subject.nation, sub: event.subject.sub, issuer: event.subject.issuer },
    owners: [nation],
    count: event.count,
    threshold: event.threshold,
    windowSeconds: event.windowSeconds,
    throttledUntil: event.throttledUntil,
    requestId: event.requestId,
    // A category of use, like an operation's purpose, which the nation's view shows too.
    ...(event.purpose === undefined ? {} : { purpose: event.purpose }),
  };
}
