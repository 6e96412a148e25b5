import { FOREVER, type Subject, subjectKey } from "@tearline/policy";
import type { GraphQLSchema } from "graphql";
import { LruCache } from "./lru.js";
import { callerDecider, type PolicyState } from "./policy-state.js";
import { schemaView } from "./schema-view.js";

/** A caller's attributes with every purpose of use their token authorises, not only the one this request declared. */
export interface ViewSubject extends Subject {
  purposes: ReadonlySet<string>;
}

interface View {
  schema: GraphQLSchema;
  /** Epoch ms after which a decision behind the view may have changed (an agreement's expiry). */
  validUntil: number;
}

/** Views kept: one per distinct attribute set; a view of this schema is a few hundred kilobytes at most. */
const VIEWS = 256;

/**
 * Each caller's view of the schema (see schemaView): a field is shown when the
 * policy would allow it for at least one of the purposes the caller holds
 * (the console's completion should offer what a caller could ask for under
 * another purpose too), decided with the same decideField as every
 * operation. Kept per policy version and attribute set, never past the
 * earliest time one of its decisions may change.
 */
export class SchemaViews {
  private readonly views = new LruCache<string, View>(VIEWS);

  viewFor(state: PolicyState, subject: ViewSubject, now: number): GraphQLSchema {
    const purposes = [...subject.purposes].sort();
    const key = JSON.stringify([state.version, ...purposes.map((purpose) => subjectKey({ ...subject, purpose }))]);
    let view = this.views.get(key);
    if (!view || view.validUntil <= now) {
      view = buildView(state, subject, purposes, now);
      this.views.set(key, view);
    }
    return view.schema;
  }
}

function buildView(state: PolicyState, subject: Subject, purposes: readonly string[], now: number): View {
  let validUntil = FOREVER;
  const deciders = purposes.map((purpose) => callerDecider(state, { ...subject, purpose }, now));
  const schema = schemaView(state.schema, (parentTypes, field) =>
    deciders.some((decide) => {
      const decision = decide(parentTypes, field);
      validUntil = Math.min(validUntil, decision.validUntil);
      return decision.allowed;
    }),
  );
  return { schema, validUntil };
}
