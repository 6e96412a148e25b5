import {
  type GraphQLField,
  type GraphQLFieldConfigMap,
  GraphQLInterfaceType,
  GraphQLList,
  type GraphQLNamedType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  type GraphQLType,
  GraphQLUnionType,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  specifiedDirectives,
} from "graphql";

/** Whether a field selected on these concrete object types could ever be shown to the caller. */
export type FieldVisible = (parentTypes: readonly string[], fieldName: string) => boolean;

type Composite = GraphQLObjectType | GraphQLInterfaceType;

/**
 * The schema as one caller may see it: the API schema's query root with every
 * field the caller could never be allowed left out, then every object or
 * interface type left without fields, every union left without members, and
 * every field returning one of those, until nothing more goes; then every
 * type no longer reachable from the query root (an enum or input type only
 * hidden fields used). A field of an interface is decided on every object type
 * that implements it, as the planner decides it when it is selected there.
 * Mutations are not served and go; so do directives other than the specified
 * ones (the label vocabulary is not the caller's business).
 *
 * Written by hand rather than with @graphql-tools/utils (only a transitive
 * dependency here): the fixpoint and the interface rule are the whole job.
 */
export function schemaView(schema: GraphQLSchema, visible: FieldVisible): GraphQLSchema {
  const query = schema.getQueryType();
  if (!query) throw new Error("the API schema has no query type");
  const types = Object.values(schema.getTypeMap()).filter((type) => !isIntrospectionType(type));
  const shown = new Map<string, Set<string>>();
  const members = new Map<string, Set<string>>();
  for (const type of types) {
    if (isObjectType(type) || isInterfaceType(type)) {
      const parentTypes = isObjectType(type) ? [type.name] : schema.getPossibleTypes(type).map((t) => t.name);
      shown.set(type.name, new Set(Object.keys(type.getFields()).filter((field) => visible(parentTypes, field))));
    } else if (isUnionType(type)) members.set(type.name, new Set(type.getTypes().map((t) => t.name)));
  }
  const hidden = (name: string) => shown.get(name)?.size === 0 || members.get(name)?.size === 0;
  const composite = (name: string) => schema.getType(name) as Composite;

  // Hiding a type hides the fields that return it, which may empty another type: repeat until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const set of members.values()) for (const member of set) if (hidden(member)) changed = set.delete(member) || changed;
    for (const [name, fields] of shown) {
      const type = composite(name);
      for (const field of fields) if (hidden(getNamedType(type.getFields()[field]!.type).name)) changed = fields.delete(field) || changed;
      // An object type must keep every field of each interface it still names; a field it lost goes from the interface.
      if (isObjectType(type) && fields.size > 0)
        for (const face of type.getInterfaces())
          for (const field of shown.get(face.name) ?? []) if (!fields.has(field)) changed = shown.get(face.name)!.delete(field) || changed;
    }
  }

  const reachable = reachableTypes(schema, query, shown, members, hidden);
  const built = new Map<string, GraphQLNamedType>();
  const rewire = <T extends GraphQLType>(type: T): T => {
    if (isNonNullType(type)) return new GraphQLNonNull(rewire(type.ofType)) as T;
    if (isListType(type)) return new GraphQLList(rewire(type.ofType)) as T;
    return built.get((type as GraphQLNamedType).name) as T;
  };
  const fieldsOf =
    (type: Composite): (() => GraphQLFieldConfigMap<unknown, unknown>) =>
    () => {
      const config = type.toConfig().fields;
      return Object.fromEntries([...shown.get(type.name)!].map((name) => [name, { ...config[name]!, type: rewire(config[name]!.type) }]));
    };
  const interfacesOf = (type: Composite) => () =>
    type
      .getInterfaces()
      .filter((face) => reachable.has(face.name))
      .map((face) => built.get(face.name) as GraphQLInterfaceType);
  for (const name of reachable) {
    const type = schema.getType(name)!;
    // Scalars, enums and input objects refer to nothing that can be hidden: they are kept as they are.
    if (isObjectType(type))
      built.set(name, new GraphQLObjectType({ ...type.toConfig(), fields: fieldsOf(type), interfaces: interfacesOf(type) }));
    else if (isInterfaceType(type))
      built.set(name, new GraphQLInterfaceType({ ...type.toConfig(), fields: fieldsOf(type), interfaces: interfacesOf(type) }));
    else if (isUnionType(type))
      built.set(
        name,
        new GraphQLUnionType({ ...type.toConfig(), types: () => [...members.get(name)!].map((m) => built.get(m) as GraphQLObjectType) }),
      );
    else built.set(name, type);
  }
  return new GraphQLSchema({
    query: built.get(query.name) as GraphQLObjectType,
    types: [...built.values()],
    directives: specifiedDirectives,
    // Built from a valid schema by removal alone; and a caller who may see nothing gets an empty query type, not an error.
    assumeValid: true,
  });
}

/** The types an introspection of the view can reach from the query root: through shown fields, their arguments, interfaces, members. */
function reachableTypes(
  schema: GraphQLSchema,
  query: GraphQLObjectType,
  shown: ReadonlyMap<string, ReadonlySet<string>>,
  members: ReadonlyMap<string, ReadonlySet<string>>,
  hidden: (name: string) => boolean,
): Set<string> {
  const reached = new Set<string>();
  const pending: GraphQLNamedType[] = [query];
  const reach = (type: GraphQLType) => {
    const named = getNamedType(type);
    if (!reached.has(named.name) && !hidden(named.name)) pending.push(named);
  };
  for (let type = pending.pop(); type !== undefined; type = pending.pop()) {
    if (reached.has(type.name)) continue;
    reached.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const name of shown.get(type.name)!) {
        const field: GraphQLField<unknown, unknown> = type.getFields()[name]!;
        reach(field.type);
        for (const arg of field.args) reach(arg.type);
      }
      for (const face of type.getInterfaces()) reach(face);
      // Whatever may come back where an interface is returned is part of the view too.
      if (isInterfaceType(type)) for (const implementation of schema.getPossibleTypes(type)) reach(implementation);
    } else if (isUnionType(type)) for (const member of members.get(type.name)!) reach(schema.getType(member)!);
    else if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) reach(field.type);
  }
  return reached;
}
