import type { DomainDef } from '@tsvirt/conf';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import type { QmpClient } from '../qmp/qmp-client.js';

type CharDevice = DeviceOf<'serial'> | DeviceOf<'parallel'> | DeviceOf<'channel'> | DeviceOf<'console'>;

/** The device with its pty as its source (and, when `tty`, as its tty too), as libvirt shows a running domain's. */
function withPty<T extends CharDevice>(c: T, pty: string, tty: boolean): T {
  const sources = [{ ...c.sources?.[0], path: pty }, ...(c.sources?.slice(1) ?? [])];
  return tty ? { ...c, sources, tty: pty } : { ...c, sources };
}

/**
 * Whether libvirt 9.0 shows a console's pty as its `tty` too: a serial port's copy does, and a
 * virtio console on virtio-serial port 0 (seen on libvirtd: the others, started or plugged, do not).
 */
function showsTty(c: CharDevice): boolean {
  if (c.kind !== 'console') return false;
  if (c.target?.type !== 'virtio') return true;
  return (c.address?.type === 'virtio-serial' ? Number(c.address.port ?? 0) : c.target.port) === 0;
}

/**
 * Writes the ptys QEMU allocated into the live definition: each pty character device's chardev is
 * `char` + its alias; a console standing for serial port N shares that port's alias, so its pty.
 */
export async function recordPtys(mon: QmpClient, def: DomainDef): Promise<void> {
  const devices = (['serial', 'parallel', 'channel', 'console'] as const).flatMap((k) => devicesOf(def.devices, k) as CharDevice[]);
  const ptys = devices.filter((c) => (c.type ?? 'pty') === 'pty' && c.alias !== undefined);
  if (ptys.length === 0) return;
  const chardevs = await mon.execute<Array<{ label: string; filename: string }>>('query-chardev');
  for (const c of ptys) {
    const pty = chardevs.find((x) => x.label === `char${c.alias}`)?.filename.replace(/^pty:/, '');
    if (pty?.startsWith('/dev/')) writeBack(def, withPty(c, pty, showsTty(c)));
  }
}

/**
 * A running domain's virtio consoles as libvirt 9.0 shows them: the target port is the console's
 * port on its virtio-serial bus, and that address is not shown (seen on libvirtd: a console
 * defined with port 1 on virtio-serial port 0 runs as port 0).
 */
export function recordVirtioConsoles(def: DomainDef): void {
  for (const c of devicesOf(def.devices, 'console')) {
    if (c.target?.type !== 'virtio' || c.address?.type !== 'virtio-serial') continue;
    writeBack(def, { ...c, target: { ...c.target, port: Number(c.address.port ?? 0) }, address: undefined });
  }
}
