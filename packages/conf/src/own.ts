/**
 * `table[key]` for a key that comes from a document, only when the table itself has it: a value
 * such as `toString`, `constructor` or `__proto__` must not find Object.prototype's members.
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
