import { deviceElement, formatDomainXML, parseDevice, parseDomainXML, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import { parseQemuDomain } from '../driver/domain-define.js';
import { consolePorts } from '../driver/qemu-defaults.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import { addFirstSerialConsole, insertByKind } from './plug-defaults.js';
import { consoleToAdd } from './console-port.js';
import { matchWholeDevice } from './whole-device-find.js';

const D = ErrorDomain.QEMU;
const invalid = (msg: string): VirError => new VirError(ErrorCode.OPERATION_INVALID, msg, D);

/** libvirt's refusals of a device the definition cannot take twice (qemuDomainAttachDeviceConfig's checks). */
function refuse(def: DomainDef, el: XmlElement): void {
  const dev = parseDevice(el);
  switch (dev?.kind) {
    case 'serial': case 'parallel': case 'channel': case 'console':
      if (dev.kind === 'console' && (dev.target?.type ?? 'serial') === 'serial') throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'attaching serial console is not supported', D);
      if (matchWholeDevice(def, el)) throw invalid('chardev already exists');
      return;
    case 'shmem':
      if (matchWholeDevice(def, el)) throw invalid('device is already in the domain configuration');
      return;
    case 'watchdog':
      if (devicesOf(def.devices, 'watchdog').length > 0) throw invalid('domain already has a watchdog');
      return;
    case 'vsock':
      if (devicesOf(def.devices, 'vsock').length > 0) throw invalid('domain already has a vsock device');
      return;
    case 'controller':
      if (matchWholeDevice(def, el)) throw invalid(`controller index='${dev.index ?? 0}' already exists`);
      return;
    default:
  }
}

/**
 * Adds `el` (an input, watchdog, RNG, SCSI controller, chardev, shared memory region, redirdev,
 * vsock or sound card) to the persistent definition as libvirt's config attach does: its refusals first, then
 * the definition read again with it, so it gets what a define gives (defaults, PCI and USB
 * addresses, the checks); returns the write, done once a live step beside it succeeded.
 */
export function attachWholeConfig(drv: DriverContext, d: StoredDomain, el: XmlElement): () => Promise<void> {
  const current = d.persistentDef!;
  const def = parseDomainXML(formatDomainXML(current, { inactive: true }), { arch: GUEST_ARCH });
  consolePorts(def);
  refuse(def, el);
  const given = consoleToAdd(def, structuredClone(el));
  const asked = parseDevice(given) as DomainDevice & { alias?: string };
  // Only a user alias is kept in a definition.
  const keep = asked.alias === undefined || asked.alias.startsWith('ua-');
  insertByKind(def, keep ? given : deviceElement({ ...asked, alias: undefined } as DomainDevice));
  const next = parseQemuDomain(formatDomainXML(def, { inactive: true }), true, false);
  if (asked.kind === 'serial') addFirstSerialConsole(next, devicesOf(next.devices, 'serial')[0]!);
  return async () => {
    Object.assign(current, next);
    await qemuStore(drv.paths).saveConfig(next.name, formatDomainXML(next, { inactive: true }));
  };
}
