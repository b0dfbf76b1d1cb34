/**
 * Which of the main bundle's code caches a run deserialises. A run on the QEMU driver in this
 * process (`qemu:///system`, `qemu:///embed?root=…`) loads `program-qemu.cache`, recorded while
 * QEMU commands ran, which also holds the functions of api, conf and tsvirsh's commands that they
 * call. Any other run of a common command loads its group's cache (`program-list.cache`, recorded
 * while only that group ran), and the rest `program.cache`, recorded on a mix of commands. Every
 * cache is valid for the bundle, so a wrong guess costs compilation, never behaviour: the launcher
 * looks only for the first argument that is a URI (`-c URI`, `-cURI`, `--connect=URI`), else at
 * the environment's default URI, and for the first command word, skipping the global options as
 * virsh's getopt reads them, without checking them.
 */

import { GLOBAL_LONG_REQUIRED, GLOBAL_SHORT } from './global-option-spec.js';

/**
 * The commands with a cache of their group's own (`program-GROUP.cache`): a start deserialises
 * what its command runs, not what the other common commands run too.
 */
export const COMMAND_CACHE_OF = {
  list: 'list',
  dominfo: 'info', domstate: 'info', domid: 'info', domname: 'info', domuuid: 'info',
  dumpxml: 'dumpxml',
  define: 'define', create: 'define',
} as const;

export type CommandCache = (typeof COMMAND_CACHE_OF)[keyof typeof COMMAND_CACHE_OF];

/** The name of the main bundle's cache (`NAME.cache` beside the bundle). */
export type MainCacheName = 'program' | 'program-qemu' | `program-${CommandCache}`;

/** An argument that is a URI, alone or as the value of `-c` or `--connect=` (any prefix of it). */
const URI_ARGUMENT = /^(?:-c|--c[a-z]*=)?([a-z][\w+.-]*:\/\/.*)$/;
/** The QEMU driver itself: no host, no transport (`qemu+ssh://`, `qemu://host/` go to the remote driver). */
const QEMU_DIRECT = /^qemu:\/\/\//;
/** The short global options that take a value (each letter before a `:` of virsh's option string). */
const SHORT_WITH_VALUE = GLOBAL_SHORT.replace(/[^:](?!:)|:/g, '');
/** The long global options that take a value, which any prefix of their name may stand for. */
const LONG_WITH_VALUE = GLOBAL_LONG_REQUIRED.split(' ').map((spec) => spec.slice(0, spec.indexOf('=')));

/** Whether an option word leaves its value to the next word. */
function takesNextWord(word: string): boolean {
  if (word.startsWith('--')) {
    const name = word.slice(2);
    return !name.includes('=') && LONG_WITH_VALUE.some((option) => option.startsWith(name));
  }
  for (let i = 1; i < word.length; i++) {
    if (SHORT_WITH_VALUE.includes(word[i]!)) return i === word.length - 1;
  }
  return false;
}

/** The first command word: after the global options; of a lone command string, its first word. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return argv[i + 1];
    if (!word.startsWith('-') || word === '-') return i === argv.length - 1 ? /^[\s;]*([^\s;]*)/.exec(word)![1] : word;
    if (takesNextWord(word)) i++;
  }
  return undefined;
}

export function mainCacheName(argv: readonly string[], env: NodeJS.ProcessEnv): MainCacheName {
  const named = argv.map((arg) => URI_ARGUMENT.exec(arg)?.[1]).find((uri) => uri !== undefined);
  const uri = named ?? (env['VIRSH_DEFAULT_CONNECT_URI'] || env['LIBVIRT_DEFAULT_URI'] || '');
  if (QEMU_DIRECT.test(uri)) return 'program-qemu';
  const word = commandWord(argv);
  return word !== undefined && Object.hasOwn(COMMAND_CACHE_OF, word) ? `program-${COMMAND_CACHE_OF[word as keyof typeof COMMAND_CACHE_OF]}` : 'program';
}
