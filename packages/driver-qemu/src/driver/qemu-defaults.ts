import { attr, element, firstChild, setAttr, textNode, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { disksOf, driveAddress } from '../devices/qemu-disk.js';
import { devicesOf, writeBack } from '../devices/typed-devices.js';

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

const controllerOf = (def: DomainDef, type: string): XmlElement | undefined =>
  def.devices.find((d) => d.name === 'controller' && hasType(d, type) && (attr(d, 'index') ?? '0') === '0');

/** The devices a PC always has: a USB controller, the PCI root, an IDE controller for IDE disks, a balloon, PS/2 mouse and keyboard. */
function implicitDevices(def: DomainDef): void {
  const add = (el: XmlElement): void => {
    def.devices.push(el);
  };
  if (!controllerOf(def, 'usb')) add(element('controller', [['type', 'usb'], ['index', '0']]));
  if (!controllerOf(def, 'pci')) add(element('controller', [['type', 'pci'], ['index', '0'], ['model', 'pci-root']]));
  for (const c of def.devices.filter((d) => d.name === 'controller' && hasType(d, 'scsi') && attr(d, 'model') === undefined)) setAttr(c, 'model', 'lsilogic');
  for (const bus of ['ide', 'scsi']) {
    if (disksOf(def.devices).some((d) => d.bus === bus) && !controllerOf(def, bus)) add(element('controller', [['type', bus], ['index', '0']]));
  }
  for (const type of ['mouse', 'keyboard']) {
    if (!def.devices.some((d) => d.name === 'input' && hasType(d, type) && attr(d, 'bus') === 'ps2')) add(element('input', [['type', type], ['bus', 'ps2']]));
  }
  if (!def.devices.some((d) => d.name === 'memballoon')) add(element('memballoon', [['model', 'virtio']]));
}

/** Every disk names QEMU as its driver and, unless a volume's pool decides, raw as its format (qemuDomainDeviceDiskDefPostParse). */
function diskDrivers(def: DomainDef): void {
  for (const d of devicesOf(def.devices, 'disk')) {
    const name = d.driver?.name ?? 'qemu';
    const type = d.driver?.type ?? (d.type === 'volume' ? undefined : 'raw');
    if (name !== d.driver?.name || type !== d.driver?.type) writeBack(def, { ...d, driver: { ...d.driver, name, type } });
  }
}

/** Each disk's controller, bus and unit written out as a drive address. */
function driveAddresses(def: DomainDef): void {
  for (const v of disksOf(def.devices)) {
    if (v.bus === 'virtio' || v.disk.address) continue;
    const a = driveAddress(v);
    writeBack(def, { ...v.disk, address: { type: 'drive', controller: a.controller, bus: a.bus, target: 0, unit: a.unit } });
  }
}

/** Serial ports get their ISA target; a console mirrors serial port 0 (its type and source), as libvirt pairs them. */
function serialTargets(def: DomainDef): void {
  const serials = def.devices.filter((d) => d.name === 'serial');
  serials.forEach((s, i) => {
    if (firstChild(s, 'target')) return;
    s.children.push(element('target', [['type', 'isa-serial'], ['port', String(i)]], [element('model', [['name', 'isa-serial']])]));
  });
  let console0 = def.devices.find((d) => d.name === 'console');
  if (!console0 && serials[0]) {
    console0 = element('console', [['type', 'pty']]);
    def.devices.push(console0);
  }
  if (console0 && !firstChild(console0, 'target')) {
    const serial0 = serials[0];
    if (serial0) {
      setAttr(console0, 'type', attr(serial0, 'type') ?? 'pty');
      const source = firstChild(serial0, 'source');
      console0.children = source ? [structuredClone(source)] : [];
    } else {
      def.devices.splice(def.devices.indexOf(console0), 0, element('serial', [['type', attr(console0, 'type') ?? 'pty']],
        [element('target', [['type', 'isa-serial'], ['port', '0']], [element('model', [['name', 'isa-serial']])])]));
    }
    console0.children.push(element('target', [['type', 'serial'], ['port', '0']]));
  }
}

/** A VNC display with a fixed port says autoport='no'; VGA-like cards get libvirt's default video memory and one head. */
function displayDefaults(def: DomainDef): void {
  for (const g of def.devices.filter((d) => d.name === 'graphics' && hasType(d, 'vnc'))) {
    if (attr(g, 'autoport') === undefined && Number(attr(g, 'port') ?? -1) >= 0) g.attrs.splice(g.attrs.findIndex(([k]) => k === 'port') + 1, 0, ['autoport', 'no']);
  }
  for (const v of def.devices.filter((d) => d.name === 'video')) {
    const model = firstChild(v, 'model');
    const type = model && attr(model, 'type');
    if (!model || (type !== 'vga' && type !== 'cirrus')) continue;
    const at = model.attrs.findIndex(([k]) => k === 'type') + 1;
    const extra: Array<[string, string]> = [];
    if (attr(model, 'vram') === undefined) extra.push(['vram', '16384']);
    if (attr(model, 'heads') === undefined) extra.push(['heads', '1']);
    model.attrs.splice(at, 0, ...extra);
  }
}

/** libvirt keeps devices in arrays by kind and writes them in this order. */
const DEVICE_ORDER = [
  'emulator', 'disk', 'controller', 'lease', 'filesystem', 'interface', 'smartcard', 'serial', 'parallel', 'console', 'channel',
  'input', 'tpm', 'graphics', 'sound', 'audio', 'video', 'hostdev', 'redirdev', 'redirfilter', 'hub', 'watchdog', 'memballoon',
  'rng', 'panic', 'shmem', 'memory', 'iommu', 'vsock', 'crypto',
];

function sortDevices(def: DomainDef): void {
  const rank = (el: XmlElement): number => {
    const i = DEVICE_ORDER.indexOf(el.name);
    return i < 0 ? DEVICE_ORDER.length : i;
  };
  def.devices = def.devices.map((el, i) => ({ el, i })).sort((a, b) => rank(a.el) - rank(b.el) || a.i - b.i).map((x) => x.el);
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
  implicitDevices(def);
  if (isI440fx(def.os.machine) && !def.os.machine.startsWith('pc-q35')) i440fxControllers(def);
  defaultAudio(def);
  diskDrivers(def);
  driveAddresses(def);
  serialTargets(def);
  displayDefaults(def);
  sortDevices(def);
}
