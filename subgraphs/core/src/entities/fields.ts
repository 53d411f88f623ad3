/** Converters of an input's fields: each gets the value the client sent (null to clear) and returns the column's. */
export type Converters<Input> = { [Key in keyof Input]?: (value: NonNullable<Input[Key]> | null) => unknown };

/** The columns `changes` returns: only those the client sent, each typed as its converter returns it. */
export type Changes<Fields> = { [Key in keyof Fields]?: Fields[Key] extends (value: never) => infer Column ? Column : never };

/** Only the keys the client sent: `undefined` (omitted) keeps the stored value, `null` clears it. */
export function changes<Input extends object, Fields extends Converters<Input>>(input: Input, fields: Fields): Changes<Fields> {
  const data: Record<string, unknown> = {};
  for (const [key, convert] of Object.entries(fields) as [string, ((value: unknown) => unknown) | undefined][]) {
    const value: unknown = Reflect.get(input, key);
    if (value !== undefined && convert) data[key] = convert(value);
  }
  // The loop above sets each sent key to its converter's result, which is what Changes<Fields> describes.
  return data as Changes<Fields>;
}

/** The value a row will have after a change: the new one when sent, else the stored one. */
export const after = <Value>(changed: Value | undefined, stored: Value): Value => (changed === undefined ? stored : changed);
