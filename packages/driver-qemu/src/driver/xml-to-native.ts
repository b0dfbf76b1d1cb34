import { join } from 'node:path';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { buildCommandLine, emulatorOf } from '../command/qemu-command.js';
import { hugepageContext } from '../process/hugetlbfs.js';
import { runDir } from '../state/driver-paths.js';
import type { DriverContext } from './driver-context.js';
import { parseQemuDomain } from './domain-define.js';
import { accelFor } from './domain-start.js';
import { resolveDisksForStart } from './resolve-disks.js';
import { hostRenderNode } from '../command/render-node.js';

const D = ErrorDomain.QEMU;

/** Characters after which libvirt's shell escaping quotes a word (virBufferEscapeShell). */
const SHELL_SPECIAL = /[\r\t\n !"#$&'()*;<>?[\\\]^`{|}~]/;

/** A word as libvirt writes it into a shell line: bare, or in single quotes with `'` as `'\''`. */
export function shellWord(word: string): string {
  if (word !== '' && !SHELL_SPECIAL.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * virConnectDomainXMLToNative for `qemu-argv`, as libvirt's QEMU driver prints it: the environment
 * QEMU would get, the emulator and the command line of a pretend start (id -1, so its run directory
 * is `domain--1-NAME`), on one line.
 */
export async function domainXMLToNative(drv: DriverContext, format: string, xml: string): Promise<string> {
  if (format !== 'qemu-argv') throw new VirError(ErrorCode.INVALID_ARG, `unsupported config type ${format}`, D);
  const def = parseQemuDomain(xml);
  const dir = runDir(drv.paths, -1, def.name);
  const args = buildCommandLine(def, {
    accel: await accelFor(drv, def),
    monitorPath: join(dir, 'monitor.sock'),
    masterKeyFile: join(dir, 'master-key.aes'),
    disks: await resolveDisksForStart(drv, def.devices, def.os.boot),
    hugepages: await hugepageContext(-1, def.name, dir),
    // libvirt picks the host's render node for a pretend start too.
    renderNode: hostRenderNode,
  });
  const env = [
    ['LC_ALL', 'C'], ['PATH', process.env['PATH'] ?? ''], ['HOME', dir],
    ['XDG_DATA_HOME', join(dir, '.local/share')], ['XDG_CACHE_HOME', join(dir, '.cache')], ['XDG_CONFIG_HOME', join(dir, '.config')],
  ].map(([k, v]) => `${k}=${shellWord(v!)}`);
  return [...env, ...[emulatorOf(def), ...args].map(shellWord)].join(' ');
}
