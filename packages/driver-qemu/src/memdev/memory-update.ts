import { formatDomainXML, parseDomainXML, replaceDevice, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf, typedDevice, type DeviceOf } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import { memoryInKiB, validateMemoryDevice } from './memory-validate.js';

type MemoryDevice = DeviceOf<'memory'>;
type Address = NonNullable<MemoryDevice['address']>;

const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

/** Two addresses are one when every field either gives is the same (no address equals no address). */
function sameAddress(a: Address | undefined, b: Address | undefined): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]) as Set<keyof Address>;
  return [...keys].every((k) => a?.[k] === b?.[k]);
}

/** The memory device given to an update, parsed and checked as libvirt parses it against `def`. */
function askedDevice(def: DomainDef, el: XmlElement): MemoryDevice {
  const asked = memoryInKiB(typedDevice(el, 'memory'));
  validateMemoryDevice(def, asked);
  return asked;
}

/** libvirt's words for an absent C string. */
const orNull = (s: string | undefined): string => s ?? '(null)';

/** What a live update may not change, in the order libvirt checks it: all but virtio-mem's requested size. */
function checkLiveChange(old: MemoryDevice, asked: MemoryDevice): void {
  if (old.model !== 'virtio-mem') throw unsupported(`cannot modify memory of model '${old.model ?? 'dimm'}'`);
  if (asked.model !== old.model) throw unsupported(`cannot modify memory model from '${old.model}' to '${asked.model ?? 'dimm'}'`);
  const from = (what: string, a: string | number, b: string | number): void => {
    if (a !== b) throw unsupported(`cannot modify memory ${what} from '${a}' to '${b}'`);
  };
  from('access', old.access ?? 'default', asked.access ?? 'default');
  from('discard', old.discard ?? 'default', asked.discard ?? 'default');
  if ((old.source?.nodemask ?? '') !== (asked.source?.nodemask ?? '')) throw unsupported('cannot modify memory source nodes');
  from('pagesize', old.source?.pagesize ?? 0, asked.source?.pagesize ?? 0);
  from('targetNode', old.target?.node ?? -1, asked.target?.node ?? -1);
  from('size', old.target?.size ?? 0, asked.target?.size ?? 0);
  from('block size', old.target?.block ?? 0, asked.target?.block ?? 0);
}

/**
 * Changes a memory device of the persistent definition (virDomainUpdateDeviceFlags with CONFIG):
 * the device at the same address is replaced by the one given, as libvirt 9.0 replaces it (no
 * field is compared; only a user alias is kept). Returns the write, made once a live change
 * asked for with it has succeeded.
 */
export async function updateMemoryConfig(drv: DriverContext, d: StoredDomain, el: XmlElement): Promise<() => Promise<void>> {
  const def = d.persistentDef!;
  const asked = askedDevice(def, el);
  const old = devicesOf(def.devices, 'memory').find((m) => sameAddress(m.address, asked.address));
  if (!old) throw new VirError(ErrorCode.INVALID_ARG, 'memory not found', ErrorDomain.QEMU);
  const target = asked.target && { ...asked.target, current: undefined, currentUnit: undefined };
  const alias = asked.alias?.startsWith('ua-') ? asked.alias : undefined;
  const next = replaceDevice(def, old, { ...asked, target, alias });
  return () => qemuStore(drv.paths).saveConfig(next.name, formatDomainXML(next, { inactive: true }));
}

/**
 * Changes a memory device of a running domain: only a virtio-mem device's `<requested>` size,
 * told to QEMU (`qom-set` of the device's `requested-size`); the guest then plugs or unplugs
 * blocks and QEMU's MEMORY_DEVICE_SIZE_CHANGE moves `<current>`. The device is the one at the
 * same address with the same alias, when one is given; QEMU is told the alias given.
 */
export async function updateMemoryLive(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const asked = askedDevice(def, el);
  const old = devicesOf(def.devices, 'memory').find((m) => sameAddress(m.address, asked.address) && (asked.alias === undefined || asked.alias === m.alias));
  if (!old) throw unsupported(`memory '${orNull(asked.alias)}' not found`);
  checkLiveChange(memoryInKiB(old), asked);
  const requested = asked.target?.requested ?? 0;
  await withMonitor(status, (mon) => mon.execute('qom-set', { path: `/machine/peripheral/${orNull(asked.alias)}`, property: 'requested-size', value: requested * 1024 }));
  const next = replaceDevice(def, old, { ...old, target: { ...old.target, requested, requestedUnit: 'KiB' } });
  status.xml = formatDomainXML(next, { id: status.id });
  await writeStatus(drv.paths, status);
}
