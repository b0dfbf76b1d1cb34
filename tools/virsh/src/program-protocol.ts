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
