import * as v from 'valibot';
import { ErrorCode, ErrorDomain, VirError, readSmallTextIfExists, writeFileAtomic } from '@tsvirt/util';

/**
 * How one kind of state file is kept: its name, its current version, the schema of that version's
 * data, and the steps from each older version to the next. A file is JSON,
 * `{"tsvirt": KIND, "version": N, "data": ...}`; a file of the same kind written before versions
 * existed (bare data, no envelope) is version 0.
 */
export interface StateFileFormat<T> {
  /** The file's kind, stored in it and named in errors: `qemu-domain-status`. */
  readonly kind: string;
  /** The version written now (1 or more). */
  readonly version: number;
  /** The shape of the current version's data (a valibot schema). */
  readonly schema: v.GenericSchema<unknown, T>;
  /** `migrate[n]` turns version-n data into version n+1 data; every version from 0 to `version - 1` that files may hold needs one. */
  readonly migrate?: Readonly<Record<number, (data: unknown) => unknown>>;
  /** The error domain of refusals (the driver's own). */
  readonly domain?: ErrorDomain;
}

/** Reading and writing one kind of state file: validated, migrated, written atomically. */
export interface StateFile<T> {
  readonly format: StateFileFormat<T>;
  /** The data of a file's text, migrated to the current version; a VirError naming `path` when it is not one. */
  parse(text: string, path: string): T;
  /** The text of a file holding `data` at the current version. */
  serialize(data: T): string;
  /** The file's data; undefined when there is no file. */
  read(path: string): Promise<T | undefined>;
  /** Writes the file atomically (readers see the old or the new file, never a torn one). */
  write(path: string, data: T): Promise<void>;
}

interface Envelope {
  tsvirt: string;
  version: number;
  data: unknown;
}

const isEnvelope = (x: unknown): x is Envelope =>
  typeof x === 'object' && x !== null && Object.hasOwn(x, 'tsvirt') && Object.hasOwn(x, 'version') && Object.hasOwn(x, 'data');

/** `at.path.to.field: what was wrong`, from valibot's first issue. */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((p) => String(p.key)).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Defines a state file kind; see StateFileFormat. */
export function defineStateFile<T>(format: StateFileFormat<T>): StateFile<T> {
  const domain = format.domain ?? ErrorDomain.NONE;
  const refuse = (path: string, why: string, cause?: unknown): VirError =>
    new VirError(ErrorCode.INTERNAL_ERROR, `invalid ${format.kind} file '${path}': ${why}`, domain, cause === undefined ? undefined : { cause });

  function parse(text: string, path: string): T {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw refuse(path, `not JSON (${(e as Error).message})`, e);
    }
    let version = 0;
    let data = json;
    if (isEnvelope(json)) {
      if (json.tsvirt !== format.kind) throw refuse(path, `it holds a ${String(json.tsvirt)} file`);
      if (!Number.isSafeInteger(json.version) || json.version < 0) throw refuse(path, `bad version ${JSON.stringify(json.version)}`);
      if (json.version > format.version) throw refuse(path, `version ${json.version} is newer than this tsvirt reads (${format.version})`);
      version = json.version;
      data = json.data;
    }
    for (; version < format.version; version++) {
      const step = format.migrate && Object.hasOwn(format.migrate, version) ? format.migrate[version] : undefined;
      if (!step) throw refuse(path, `version ${version} cannot be read any more (no migration to ${version + 1})`);
      try {
        data = step(data);
      } catch (e) {
        throw refuse(path, `migration from version ${version} failed: ${(e as Error).message}`, e);
      }
    }
    const result = v.safeParse(format.schema, data);
    if (!result.success) throw refuse(path, describeIssue(result.issues[0]));
    return result.output;
  }

  /**
   * The last text read from each file and its data: a process often reads one file unchanged
   * several times (a listing reads every status at open, per name and per domain asked), and the
   * text alone tells whether it changed. Callers get their own copy to change.
   */
  const lastRead = new Map<string, { text: string; data: T }>();
  function parseAgain(text: string, path: string): T {
    const last = lastRead.get(path);
    if (last?.text === text) return structuredClone(last.data);
    const data = parse(text, path);
    lastRead.set(path, { text, data: structuredClone(data) });
    return data;
  }

  const serialize = (data: T): string => `${JSON.stringify({ tsvirt: format.kind, version: format.version, data } satisfies Envelope, null, 1)}\n`;

  return {
    format,
    parse: parseAgain,
    serialize,
    async read(path) {
      let text: string | undefined;
      try {
        text = readSmallTextIfExists(path);
      } catch (e) {
        throw refuse(path, `cannot read it: ${(e as Error).message}`, e);
      }
      return text === undefined ? undefined : parseAgain(text, path);
    },
    async write(path, data) {
      await writeFileAtomic(path, serialize(data), { domain });
    },
  };
}
