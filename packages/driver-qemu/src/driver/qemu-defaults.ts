import { attr, element, firstChild, textNode, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { setAttr } from '../devices/xml-mutate.js';

/** The machine types QEMU 7.2 (the installed one) resolves its aliases to; libvirt stores the resolved name. */
const MACHINE_ALIASES: Record<string, string> = { pc: 'pc-i440fx-7.2', q35: 'pc-q35-7.2' };

const isI440fx = (machine: string): boolean => machine === 'pc' || machine.startsWith('pc-i440fx-') || machine.startsWith('pc-');
const hasType = (el: XmlElement, type: string): boolean => attr(el, 'type') === type;

/** Without a CPU model a TCG or KVM guest gets QEMU's default, qemu64, written out. */
function defaultCpu(def: DomainDef): void {
  const cpu = def.other.find((e) => e.name === 'cpu');
  if (cpu && (firstChild(cpu, 'model') || attr(cpu, 'mode') !== undefined)) return;
  const model = element('model', [['fallback', 'forbid']], [textNode('qemu64')]);
  if (cpu) {
    cpu.attrs.unshift(['mode', 'custom'], ['match', 'exact'], ['check', 'none']);
    cpu.children.unshift(model);
  } else {
    def.other.push(element('cpu', [['mode', 'custom'], ['match', 'exact'], ['check', 'none']], [model]));
  }
}

const pciAt = (slot: string, fn: string): XmlElement =>
  element('address', [['type', 'pci'], ['domain', '0x0000'], ['bus', '0x00'], ['slot', slot], ['function', fn]]);

/** The PIIX3 south bridge's own functions: IDE at 1.1 and the UHCI USB controller at 1.2. */
function i440fxControllers(def: DomainDef): void {
  for (const c of def.devices.filter((d) => d.name === 'controller' && attr(d, 'index') === '0')) {
    if (hasType(c, 'usb') && attr(c, 'model') === undefined) setAttr(c, 'model', 'piix3-uhci');
    const builtIn = hasType(c, 'ide') ? '0x1' : hasType(c, 'usb') && attr(c, 'model') === 'piix3-uhci' ? '0x2' : undefined;
    if (builtIn !== undefined && !firstChild(c, 'address')) c.children.push(pciAt('0x01', builtIn));
  }
}

/** An audio backend that plays nothing, unless the domain names one (libvirt's default without host audio). */
function defaultAudio(def: DomainDef): void {
  if (!def.devices.some((d) => d.name === 'audio')) def.devices.push(element('audio', [['id', '1'], ['type', 'none']]));
}

/**
 * What libvirt's QEMU driver adds to an x86 definition when it is defined (qemuDomainDefPostParse
 * and friends). `abiUpdate` (a new definition through the API, not a re-read of a stored one)
 * also pins a machine alias to the versioned type it stands for now.
 */
export function applyQemuDefaults(def: DomainDef, abiUpdate: boolean): void {
  const machine = def.os.machine ?? 'pc';
  def.os.machine = abiUpdate ? (MACHINE_ALIASES[machine] ?? machine) : machine;
  defaultCpu(def);
  if (isI440fx(def.os.machine) && !def.os.machine.startsWith('pc-q35')) i440fxControllers(def);
  defaultAudio(def);
}
