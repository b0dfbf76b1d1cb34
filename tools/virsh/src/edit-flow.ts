import { spawnSync } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { delimiter, join } from 'node:path';
import { ErrorCode, VirError, errnoText } from '@tsvirt/util';
import { CommandFailed, type Ctl } from './vsh/ctl.js';
import { VshError } from './vsh/vsh-error.js';

/** What the *-edit commands differ in; the flow itself is virsh's, shared by all of them. */
export interface EditSpec<T> {
  /** The XML the user edits; read again before redefining, to notice a change made meanwhile. */
  getXML(): Promise<string>;
  /** Defines the edited XML; `relaxed` when the user chose to redefine without validation. */
  define(xml: string, relaxed: boolean): Promise<T>;
  /** The name of the object being edited, for the message when nothing changed. */
  readonly name: string;
  nameOf(object: T): string;
  /** How the messages name the object: `Network default`, `Domain 'test'`. */
  label(name: string): string;
  /** Whether the retry prompt offers `i` (redefine without validation). */
  relaxable?: boolean;
  /** The success line, where virsh words it otherwise than `LABEL XML configuration edited.` (none if undefined). */
  editedLine?(name: string): string | undefined;
  /** Work after a successful definition (a snapshot's rename); its failure fails the command. */
  afterDefine?(object: T): Promise<void>;
}

/** The characters an editor command or file name may hold to be run without a shell. */
const PLAIN = /^[A-Za-z0-9\-_.:@/]*$/;
const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Writes `xml` to a new `virshXXXXXX.xml` in $TMPDIR (or /tmp), as g_mkstemp names it. */
async function writeTempFile(xml: string): Promise<string> {
  const dir = process.env['TMPDIR'] || '/tmp';
  for (;;) {
    const suffix = Array.from({ length: 6 }, () => NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)]).join('');
    const path = join(dir, `virsh${suffix}.xml`);
    let handle;
    try {
      handle = await open(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new VshError(`g_mkstemp_full: failed to create temporary file: ${errnoText(e as NodeJS.ErrnoException)}`);
    }
    try {
      await handle.writeFile(xml);
    } catch (e) {
      await unlink(path);
      throw new VshError(`${path}: failed to write document: ${errnoText(e as NodeJS.ErrnoException)}`);
    } finally {
      await handle.close();
    }
    return path;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The program a plain editor name runs, found as libvirt's virFindFileInPath finds it. */
function findInPath(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  return dirs.map((d) => join(d, name)).find(isExecutable);
}

/**
 * Runs $VISUAL, $EDITOR or vi on `file` with the terminal: a plain command is run directly, anything
 * else through `sh -c`, as virsh does; failures read as libvirt's virCommand reports them.
 */
function runEditor(ctl: Ctl, file: string): void {
  const editor = process.env['VISUAL'] ?? process.env['EDITOR'] ?? 'vi';
  let argv: string[];
  let shown: string;
  if (PLAIN.test(editor)) {
    const program = findInPath(editor);
    if (program === undefined) throw new VirError(ErrorCode.SYSTEM_ERROR, `Cannot find '${editor}' in path: No such file or directory`);
    argv = [program, file];
    shown = `${editor} ${file}`;
  } else {
    if (!PLAIN.test(file)) throw new VshError(`${file}: temporary filename contains shell meta or other unacceptable characters (is $TMPDIR wrong?)`);
    const script = `${editor} ${file}`;
    argv = ['sh', '-c', script];
    shown = `sh -c '${script.replaceAll("'", "'\\''")}'`;
  }
  flush(ctl);
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'inherit' });
  if (r.error) throw new VirError(ErrorCode.SYSTEM_ERROR, `Cannot run '${editor}': ${errnoText(r.error as NodeJS.ErrnoException)}`);
  if (r.signal) throw new VirError(ErrorCode.INTERNAL_ERROR, `Child process (${shown}) unexpected fatal signal ${osConstants.signals[r.signal]}`);
  if (r.status !== 0) throw new VirError(ErrorCode.INTERNAL_ERROR, `Child process (${shown}) unexpected exit status ${r.status}`);
}

/** What the user has written so far goes out before the editor or the prompt takes the terminal. */
function flush(ctl: Ctl): void {
  const { stdout, stderr } = ctl.takeOutput();
  if (stdout) process.stdout.write(stdout);
  if (stderr) process.stderr.write(stderr);
}

async function readBack(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const text = errnoText(e as NodeJS.ErrnoException);
    throw new CommandFailed(`${file}: failed to read temporary file: ${text}`, new VirError(ErrorCode.SYSTEM_ERROR, `Failed to open file '${file}': ${text}`));
  }
}

type Choice = 'y' | 'n' | 'f' | 'i';

/** One key from the terminal without waiting for Enter. */
async function readKey(): Promise<string> {
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  try {
    const chunk = await new Promise<Buffer>((resolve) => stdin.once('data', resolve));
    return chunk.toString('latin1').charAt(0).toLowerCase();
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}

/**
 * virsh's retry question after a failed redefinition: only on a terminal; otherwise (as when the
 * error is not shown) virsh goes on as if the definition had worked.
 */
async function askReedit(ctl: Ctl, msg: string, error: unknown, relaxable: boolean): Promise<Choice | undefined> {
  if (process.stdin.isTTY !== true) return undefined;
  if (error !== undefined) ctl.report(error);
  flush(ctl);
  const keys = relaxable ? '[y,n,i,f,?]' : '[y,n,f,?]';
  for (;;) {
    ctl.print(`\r${msg} Try again? ${keys}: `);
    flush(ctl);
    const c = await readKey();
    if (c === '?') {
      ctl.print(['', 'y - yes, start editor again', 'n - no, throw away my changes',
        ...(relaxable ? ['i - turn off validation and try to redefine again'] : []),
        'f - force, try to redefine again', '? - print this help', ''].join('\n'));
    } else if (c === 'y' || c === 'n' || c === 'f' || (relaxable && c === 'i')) {
      ctl.print('\r\n');
      return c;
    }
  }
}

/**
 * virsh's edit flow: the XML goes to a temporary file, the editor runs on it, an unchanged file is
 * reported as such, otherwise the object is defined again from it (after checking nobody changed
 * it meanwhile). Answers whether the command succeeded.
 */
export async function editXML<T>(ctl: Ctl, spec: EditSpec<T>): Promise<boolean> {
  let doc = await spec.getXML();
  const file = await writeTempFile(doc);
  const edited = (name: string): void => {
    const line = spec.editedLine ? spec.editedLine(name) : `${spec.label(name)} XML configuration edited.`;
    if (line !== undefined) ctl.extra(`${line}\n`);
  };
  try {
    let relaxed = false;
    for (;;) {
      runEditor(ctl, file);
      const text = await readBack(file);
      if (text === doc) {
        ctl.extra(`${spec.label(spec.name)} XML configuration not changed.\n`);
        return true;
      }
      let choice: Choice | undefined;
      do {
        let msg = 'Failed.';
        let error: unknown;
        const reread = await spec.getXML();
        if (reread !== doc) {
          msg = 'The XML configuration was changed by another user.';
          doc = reread;
        } else {
          let made: { object: T } | undefined;
          try {
            made = { object: await spec.define(text, relaxed) };
          } catch (e) {
            error = e;
          }
          if (made) {
            await spec.afterDefine?.(made.object);
            edited(spec.nameOf(made.object));
            return true;
          }
        }
        choice = await askReedit(ctl, msg, error, spec.relaxable === true && !relaxed);
        if (choice === 'n') return false;
        if (choice === undefined) {
          // Without a terminal to ask, virsh 9.0 reports its message and carries on as if the object had been defined.
          ctl.error(msg);
          edited('(null)');
          return true;
        }
        if (choice === 'i') relaxed = true;
      } while (choice !== 'y');
    }
  } finally {
    await unlink(file).catch(() => undefined);
  }
}
