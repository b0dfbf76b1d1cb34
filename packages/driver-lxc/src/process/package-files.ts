import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** The folder of this package (found from this module, whether it runs from dist/ or a bundle). */
export function packageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === '@tsvirt/driver-lxc') return dir;
    const up = dirname(dir);
    if (up === dir) throw new VirError(ErrorCode.INTERNAL_ERROR, 'cannot find the @tsvirt/driver-lxc package folder', ErrorDomain.LXC);
    dir = up;
  }
}

/** The controller script, run by Node once per container: bundled into one file by `pnpm build` where esbuild is there. */
export function controllerScript(): string {
  const dir = join(packageDir(), 'dist', 'controller');
  const bundle = join(dir, 'controller.bundle.js');
  return existsSync(bundle) ? bundle : join(dir, 'controller-main.js');
}

let helper: Promise<string> | undefined;

/**
 * The container helper binary, built from `helper/lxc-init.c` by `pnpm build`; when it is
 * missing (an install that skipped the build) or older than its source, it is compiled here once
 * with the C compiler.
 */
export function ensureHelper(): Promise<string> {
  helper ??= (async () => {
    const dir = packageDir();
    const bin = join(dir, 'dist', 'helper', 'tsvirt-lxc-init');
    const source = join(dir, 'helper', 'lxc-init.c');
    if (existsSync(bin) && (!existsSync(source) || statSync(bin).mtimeMs >= statSync(source).mtimeMs)) return bin;
    await mkdir(dirname(bin), { recursive: true });
    const tmp = `${bin}.${process.pid}`;
    try {
      await promisify(execFile)(process.env['CC'] || 'cc', ['-O2', '-static', '-o', tmp, source]);
    } catch (e) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot build the container helper (needs a C compiler and static libc, Debian's gcc and libc6-dev): ${(e as Error).message}`, ErrorDomain.LXC, { cause: e });
    }
    await rename(tmp, bin);
    return bin;
  })();
  helper.catch(() => (helper = undefined));
  return helper;
}
