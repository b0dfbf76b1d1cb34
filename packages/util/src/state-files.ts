import { readFileSync, readdirSync } from 'node:fs';
import { ErrorCode, ErrorDomain } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';

function missing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * A small local state file's text, or undefined when it does not exist (other errors are thrown).
 * Read at once: for a file of a few KiB a synchronous read costs microseconds, where fs/promises'
 * readFile takes four trips through libuv's thread pool (open, fstat, read, close), which was
 * most of a daemon's time answering a listing of running domains.
 */
export function readSmallTextIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (missing(e)) return undefined;
    throw e;
  }
}

/** A state file's text, or undefined when it does not exist (other errors are thrown). */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  return readSmallTextIfExists(file);
}

/** A JSON state file, or undefined when it does not exist; a torn or corrupt one is an INTERNAL_ERROR naming it. */
export async function readJsonIfExists<T>(file: string, domain: ErrorDomain = ErrorDomain.NONE): Promise<T | undefined> {
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `corrupt status file '${file}'`, domain, { cause: e });
  }
}

/** The names of the files in `dir` ending in `suffix`, without it; none when the directory does not exist. */
export async function namesWithSuffix(dir: string, suffix: string): Promise<string[]> {
  return smallDirNames(dir).filter((f) => f.endsWith(suffix) && f.length > suffix.length).map((f) => f.slice(0, -suffix.length));
}

/**
 * The names in a state directory, none when it does not exist (other errors are thrown). Read at
 * once, as readSmallTextIfExists reads a file: fs/promises' readdir takes two trips through the
 * thread pool, each a wait for a thread under load.
 */
export function smallDirNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if (missing(e)) return [];
    throw e;
  }
}
