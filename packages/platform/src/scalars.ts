import { DateResolver, DateTimeResolver, JSONResolver } from 'graphql-scalars';

/** The scalars every subgraph declares (`scalar DateTime`, `scalar Date`, `scalar JSON`). */
export const scalarResolvers = {
  DateTime: DateTimeResolver,
  Date: DateResolver,
  JSON: JSONResolver,
};

/**
 * GraphQL enum values are UPPER_CASE; Prisma stores the lower_case names. This maps one to the other so
 * resolvers and inputs see the Prisma values.
 */
export function upperCaseEnum<Value extends string>(prismaEnum: Record<string, Value>): Record<string, Value> {
  return Object.fromEntries(Object.values(prismaEnum).map((value) => [value.toUpperCase(), value]));
}

/** The enum resolvers of the named Prisma enums (each GraphQL enum named as its Prisma enum). */
export function upperCaseEnums<Name extends string>(names: readonly Name[], stored: Record<Name, Record<string, string>>) {
  return Object.fromEntries(names.map((name) => [name, upperCaseEnum(stored[name])]));
}
