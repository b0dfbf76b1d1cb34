/**
 * Which of the main bundle's two code caches a run deserialises. A run on the QEMU driver in this
 * process (`qemu:///system`, `qemu:///embed?root=…`) loads `program-qemu.cache`, recorded while
 * QEMU commands ran, which also holds the functions of api, conf and tsvirsh's commands that they
 * call; every other run loads `program.cache`, recorded on the test driver, which stays smaller.
 * Either cache is valid for the bundle, so a wrong guess costs compilation, never behaviour: the
 * launcher looks only for the first argument that is a URI (`-c URI`, `-cURI`, `--connect=URI`),
 * else at the environment's default URI, without parsing the global options.
 */

/** The name of the main bundle's cache (`NAME.cache` beside the bundle). */
export type MainCacheName = 'program' | 'program-qemu';

/** An argument that is a URI, alone or as the value of `-c` or `--connect=` (any prefix of it). */
const URI_ARGUMENT = /^(?:-c|--c[a-z]*=)?([a-z][\w+.-]*:\/\/.*)$/;
/** The QEMU driver itself: no host, no transport (`qemu+ssh://`, `qemu://host/` go to the remote driver). */
const QEMU_DIRECT = /^qemu:\/\/\//;

export function mainCacheName(argv: readonly string[], env: NodeJS.ProcessEnv): MainCacheName {
  const named = argv.map((arg) => URI_ARGUMENT.exec(arg)?.[1]).find((uri) => uri !== undefined);
  const uri = named ?? (env['VIRSH_DEFAULT_CONNECT_URI'] || env['LIBVIRT_DEFAULT_URI'] || '');
  return QEMU_DIRECT.test(uri) ? 'program-qemu' : 'program';
}
