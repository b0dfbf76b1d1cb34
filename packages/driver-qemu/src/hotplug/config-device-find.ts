import { parseDevice, type DeviceOf, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { addressFits, findWholeConfigDevice } from './whole-device-find.js';

const missing = (msg: string): VirError => new VirError(ErrorCode.DEVICE_MISSING, msg, ErrorDomain.QEMU);

/** A sound card as libvirt compares them: its model, its codecs' types in order, and an address when one is asked. */
const soundEquals = (asked: DeviceOf<'sound'>, s: DeviceOf<'sound'>): boolean => asked.model === s.model
  && JSON.stringify((asked.codecs ?? []).map((c) => c.type)) === JSON.stringify((s.codecs ?? []).map((c) => c.type)) && addressFits(asked.address, s.address);

/**
 * The device of the persistent definition `def` that `el` names, found as libvirt's config detach
 * finds it, or its words: the kinds it never unplugs live here (a sound card, a filesystem by its
 * target, a lease by lockspace and key, its target path not compared), the others as a live
 * detach finds them.
 */
export function findConfigDevice(def: DomainDef, el: XmlElement): XmlElement {
  const asked = parseDevice(el);
  switch (asked?.kind) {
    case 'sound': {
      const found = devicesOf(def.devices, 'sound').find((s) => soundEquals(asked, s));
      if (!found) throw missing('device not present in domain configuration');
      return found.xml!;
    }
    case 'filesystem': {
      const found = devicesOf(def.devices, 'filesystem').find((f) => f.target === asked.target);
      if (!found) throw missing('no matching filesystem device was found');
      return found.xml!;
    }
    case 'lease': {
      const found = devicesOf(def.devices, 'lease').find((l) => l.lockspace === asked.lockspace && l.key === asked.key);
      if (!found) throw missing(`Lease ${asked.key ?? ''} in lockspace ${asked.lockspace ?? ''} does not exist`);
      return found.xml!;
    }
    default:
      return findWholeConfigDevice(def, el);
  }
}
