/**
 * What fills one collection of test:///default (its networks, pools, ...) on first use: parsing
 * their XML costs start-up time that a command which never looks at them should not pay.
 */
export class LazySeed<C> {
  #fill: ((collection: C) => void) | undefined;

  /** Sets what fills the collection. */
  set(fill: (collection: C) => void): void {
    this.#fill = fill;
  }

  /** Fills `collection` once, before its first read or change. */
  run(collection: C): void {
    const fill = this.#fill;
    this.#fill = undefined;
    fill?.(collection);
  }
}
