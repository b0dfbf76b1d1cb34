import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { ErrorCode, ErrorDomain, VirError, runCommand } from '@tsvirt/util';

/** swtpm's programs and what each says it can do (`--print-capabilities`). */
export interface SwtpmTools {
  readonly swtpm: string;
  readonly swtpmSetup: string;
  /** Features of `swtpm socket` (`tpm-1.2`, `tpm-2.0`, `cmdarg-key-fd`, ...). */
  readonly swtpmFeatures: ReadonlySet<string>;
  /** Features of `swtpm_setup`. */
  readonly setupFeatures: ReadonlySet<string>;
}

async function inPath(name: string): Promise<string> {
  for (const dir of (process.env['PATH'] || '/usr/bin:/bin').split(delimiter)) {
    const file = join(dir || '.', name);
    if (await access(file, constants.X_OK).then(() => true, () => false)) return file;
  }
  throw new VirError(ErrorCode.SYSTEM_ERROR, `Unable to find '${name}' binary in $PATH: No such file or directory`, ErrorDomain.TPM);
}

async function features(binary: string, args: readonly string[]): Promise<Set<string>> {
  const r = await runCommand(binary, [...args, '--print-capabilities'], { timeoutMs: 10_000, okExitCodes: [0, 1], domain: ErrorDomain.TPM });
  try {
    const f = (JSON.parse(r.stdout) as { features?: unknown }).features;
    return new Set(Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    // An swtpm too old to print its capabilities has none of the optional ones.
    return new Set();
  }
}

let cached: Promise<SwtpmTools> | undefined;

/** Finds swtpm and swtpm_setup in $PATH and asks each for its capabilities, once per process (libvirt's virTPMEmulatorInit). */
export function swtpmTools(): Promise<SwtpmTools> {
  cached ??= (async () => {
    const [swtpm, swtpmSetup] = await Promise.all([inPath('swtpm'), inPath('swtpm_setup')]);
    const [swtpmFeatures, setupFeatures] = await Promise.all([features(swtpm, ['socket']), features(swtpmSetup, [])]);
    return { swtpm, swtpmSetup, swtpmFeatures, setupFeatures };
  })();
  // A missing program may be installed later: only a success is kept.
  cached.catch(() => (cached = undefined));
  return cached;
}
