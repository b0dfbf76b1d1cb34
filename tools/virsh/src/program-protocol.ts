/**
 * What the program bundle (`dist/program/program.cjs`) and its launcher (src/launcher.ts) agree
 * on; scripts/build-program.mjs writes the bundle's side.
 */

/**
 * The prefix under which the bundle requires the Node built-ins it rarely needs (`crypto`,
 * `worker_threads`, `readline`, ...): the launcher answers with a stand-in that loads the module
 * when one of its members is first used, so a command that never uses one never pays for compiling
 * it (built-ins outside Node's own start-up snapshot cost milliseconds each).
 */
export const LAZY_BUILTIN = 'tsvirsh-lazy-builtin:';

/**
 * The prefix of a module outside the bundle that a bundled package imports dynamically
 * (`tsvirsh-from:@tsvirt/conf:libxml2-wasm`): resolved from where that package is installed.
 */
export const FROM_PACKAGE = 'tsvirsh-from:';

/** The name of the function the launcher passes in for a bundled file's `import.meta.url`. */
export const FILE_URL = '__tsvirshFileURL';

/**
 * The prefix under which the main bundle requires a package of a side bundle
 * (`tsvirsh-side:@tsvirt/remote`): the drivers other than the test driver, and what only some
 * commands use. The launcher loads that package's bundle (with its own code cache) on the first
 * such require.
 */
export const SIDE_PACKAGE = 'tsvirsh-side:';

/**
 * The prefix of the command modules that the main bundle leaves to a side bundle of their own
 * (`@tsvirt/virsh/commands/backup/backup` for `src/commands/backup/backup.ts`): the commands few
 * runs use, whose functions a start would otherwise deserialise.
 */
export const COMMANDS = '@tsvirt/virsh/commands/';

/**
 * The side bundle that holds a package, one per package (`side-driver-qemu` for
 * `@tsvirt/driver-qemu`): a QEMU command reads and deserialises the QEMU driver, not the remote
 * driver or the DOM too. The command modules set aside are one bundle, `side-commands`; conf's
 * state files are `side-conf-state`.
 */
export function sideBundleName(spec: string): string {
  if (spec.startsWith(COMMANDS)) return 'side-commands';
  return `side-${spec.startsWith('@tsvirt/conf/') ? 'conf-' : ''}${spec.split('/').at(-1)!}`;
}

/**
 * The prefix under which the side bundle requires a package the main bundle holds
 * (`tsvirsh-main:@tsvirt/api`), so that both use one instance of api, conf and util.
 */
export const MAIN_PACKAGE = 'tsvirsh-main:';

/** What each bundle exports: a loader per package it serves to the other. */
export interface BundleExports {
  readonly modules: Readonly<Record<string, () => unknown>>;
}
