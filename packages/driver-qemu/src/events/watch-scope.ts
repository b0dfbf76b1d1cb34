/**
 * Which running domains the watcher holds: every one while someone listens to all domains,
 * otherwise only those that listeners named (by domain name, as status files are). A listener
 * for one domain (`event --domain`, `blockcopy --wait`) then costs that domain's monitor and
 * status alone, not every running domain's.
 */
export interface WatchScope {
  readonly all: boolean;
  readonly names: ReadonlySet<string>;
}

export const NOTHING: WatchScope = { all: false, names: new Set() };

/** Whether a scope holds nothing: the watcher then stops. */
export const isEmptyScope = (s: WatchScope): boolean => !s.all && s.names.size === 0;

/** Whether a scope takes in the domain called `name`. */
export const inScope = (s: WatchScope, name: string): boolean => s.all || s.names.has(name);
