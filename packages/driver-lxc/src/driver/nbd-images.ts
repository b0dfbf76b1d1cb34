import { existsSync } from 'node:fs';
import { access, readFile, readdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCommand } from '@tsvirt/util';
import type { ContainerMount, ContainerSpec } from '../conf/container-spec.js';
import { setupFailure } from '../conf/setup-failure.js';

/** Where the kernel shows its modules and block devices: sysfs, or a fake tree a test names (`TSVIRT_NBD_SYSFS`). */
function sysfs(): string {
  return process.env['TSVIRT_NBD_SYSFS'] || '/sys';
}

/** The kernel's nbd driver, loaded as libvirt's virFileNBDLoadDriver loads it (`modprobe nbd`). */
async function loadNbdDriver(): Promise<void> {
  if (existsSync(join(sysfs(), 'module', 'nbd'))) return;
  await runCommand('modprobe', ['nbd']).catch(() => {
    throw setupFailure('internal error: Failed to load nbd module');
  });
}

/** The first nbd device that serves nothing (no `pid` in sysfs), as libvirt's virFileNBDDeviceFindUnused finds it. */
async function unusedNbd(): Promise<string> {
  const block = join(sysfs(), 'block');
  const names = (await readdir(block).catch(() => [] as string[])).filter((n) => /^nbd\d+$/.test(n)).sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  for (const n of names) if (!existsSync(join(block, n, 'pid'))) return `/dev/${n}`;
  throw setupFailure('No free NBD devices: Device or resource busy');
}

/** qemu-nbd in $PATH, as libvirt finds it. */
async function qemuNbd(): Promise<string> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, 'qemu-nbd');
    if (await access(file, constants.X_OK).then(() => true, () => false)) return file;
  }
  throw setupFailure("Unable to find 'qemu-nbd' binary in $PATH: No such file or directory");
}

/**
 * Serves `image` in `format` on a free nbd device with qemu-nbd (libvirt's
 * virFileNBDDeviceAssociate: `qemu-nbd --format FMT [-r] -n -c /dev/nbdN IMAGE`, which
 * daemonizes) and answers the device.
 */
async function associate(image: string, format: string, readonly: boolean): Promise<string> {
  await loadNbdDriver();
  const dev = await unusedNbd();
  const bin = await qemuNbd();
  await runCommand(bin, ['--format', format, ...(readonly ? ['-r'] : []), '-n', '-c', dev, image]).catch((e: Error) => {
    throw setupFailure(e.message);
  });
  return dev;
}

/** Ends what qemu-nbd serves on `dev` (`qemu-nbd -d`); what is gone already is fine. */
export async function disconnectNbd(dev: string): Promise<void> {
  const bin = await qemuNbd().catch(() => undefined);
  if (bin) await runCommand(bin, ['-d', dev]).catch(() => undefined);
}

/** The qemu-nbd process serving `dev`, as sysfs names it, to be put in the container's cgroup. */
export async function nbdServer(dev: string): Promise<number | undefined> {
  const text = await readFile(join(sysfs(), 'block', dev.replace(/^\/dev\//, ''), 'pid'), 'utf8').catch(() => '');
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/**
 * Puts each nbd image of the container on a device (libvirt_lxc's
 * virLXCControllerSetupNBDDeviceFS) and answers the spec with those filesystems turned into
 * block devices, as libvirt_lxc turns them, for the helper to mount. Each device is pushed to
 * `devices` as soon as it serves, for the caller to disconnect on a failure; once the container
 * runs, its qemu-nbd is in the container's cgroup, so whatever ends the container ends it too.
 */
export async function serveNbdImages(spec: ContainerSpec, devices: string[]): Promise<ContainerSpec> {
  const serve = async (image: string, format: string | undefined, readonly: boolean) => {
    const dev = await associate(image, format ?? '', readonly);
    devices.push(dev);
    return dev;
  };
  const root = spec.root.block === 'nbd' ? { ...spec.root, source: await serve(spec.root.source, spec.root.format, spec.root.readonly), block: 'dev' as const } : spec.root;
  const mounts: ContainerMount[] = [];
  for (const m of spec.mounts) {
    mounts.push(m.kind === 'block' && m.via === 'nbd' ? { ...m, source: await serve(m.source, m.format, m.readonly), via: 'dev' } : m);
  }
  return { ...spec, root, mounts };
}
