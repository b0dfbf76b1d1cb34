/**
 * Node has neither ioctl(2) nor sendmsg(2) with descriptors: the few calls on descriptors the
 * driver needs that Node cannot make (TUNSETIFF on a tap, SCM_RIGHTS on QEMU's monitor) are made
 * by a Perl one-liner (perl-base is Essential on Debian) that inherits the descriptors as its fd
 * 3, 4, … and acts on the same open files. It loads no module, so it starts in a few ms.
 */
import { spawn } from 'node:child_process';

/** Runs a Perl program with `fds` as its fd 3 on; answers what it printed, or fails with what it printed on stderr (`$!`'s text). */
export function perlWithFds(program: string, args: readonly string[], fds: readonly number[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('perl', ['-e', program, ...args], { stdio: ['ignore', 'pipe', 'pipe', ...fds] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('error', reject);
    child.once('close', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(err.trim() || `perl ended with ${signal ?? `status ${code}`}`))));
  });
}
