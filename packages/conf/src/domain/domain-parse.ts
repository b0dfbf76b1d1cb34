import { mapPacked } from '../packed.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, childElements, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';
import { fitsULL, toKiB } from '../units.js';
import { attr as bindAttr } from '../model/binding.js';
import { oneOf, uint } from '../model/codec.js';
import { generateUUID, parseUUID } from '../uuid.js';
import type { DomainDef, DomainVcpu, LifecycleAction } from './domain-def.js';
import { applyDeviceDefaults } from './device-defaults.js';
import { memtuneUnits } from './memtune-units.js';
import { checkDomain } from './domain-semantics.js';
import { applyCputuneDefaults } from './cputune-defaults.js';
import { onlineVcpus, vcpuStatesOf, type VcpuStateCheck } from './vcpu-states.js';

const TYPED = new Set(['name', 'uuid', 'title', 'description', 'memory', 'currentMemory', 'vcpu', 'vcpus', 'os', 'clock',
  'on_poweroff', 'on_reboot', 'on_crash', 'devices']);
const ACTIONS = new Set(['destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart']);

function xmlError(detail: string): VirError {
  return new VirError(ErrorCode.XML_ERROR, detail, ErrorDomain.DOMAIN);
}

function memoryOf(root: XmlElement, name: string): number | undefined {
  const el = firstChild(root, name);
  if (!el) return undefined;
  const text = textOf(el).trim();
  if (!/^\d+$/.test(text) || !fitsULL(text)) throw new VirError(ErrorCode.XML_ERROR, `Invalid value '${text}' for element or attribute './${name}[1]'`, ErrorDomain.XML);
  return toKiB(text, attr(el, 'unit'));
}

const VCPU = { current: bindAttr('current', uint), placement: bindAttr('placement', oneOf('static', 'auto')) };

/** C's UINT_MAX: the largest value of libvirt's unsigned int fields. */
const UINT_MAX = 4294967295;

/** `<vcpu>`: the maximum count, and how many are online at boot. */
function vcpuOf(el: XmlElement | undefined): DomainVcpu {
  if (!el) return { count: 1, placement: 'static' };
  const text = textOf(el).trim();
  // An unsigned int, as libvirt reads it: more digits than that is not a count either.
  if (!/^\+?\d+$/.test(text) || Number(text) > UINT_MAX) throw xmlError('maximum vcpus count must be an integer');
  const count = Number(text);
  const current = VCPU.current.read(el);
  if (current !== undefined && current > count) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'maximum vCPU count must not be less than current vCPU count', ErrorDomain.DOMAIN);
  }
  const cpuset = attr(el, 'cpuset');
  return {
    count,
    placement: VCPU.placement.read(el) ?? 'static',
    ...(current !== undefined ? { current } : {}),
    ...(cpuset !== undefined ? { cpuset } : {}),
  };
}

function action(root: XmlElement, name: string, dflt: LifecycleAction): LifecycleAction {
  const el = firstChild(root, name);
  if (!el) return dflt;
  const v = textOf(el).trim();
  if (!ACTIONS.has(v)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unknown ${name} action: ${v}`, ErrorDomain.DOMAIN);
  return v as LifecycleAction;
}

/** The total of the guest NUMA cells' memory, which stands for `<memory>` when that is absent. */
function numaMemoryKiB(root: XmlElement): number | undefined {
  const numa = firstChild(root, 'cpu') && firstChild(firstChild(root, 'cpu')!, 'numa');
  const cells = numa ? childElements(numa, 'cell') : [];
  if (cells.length === 0) return undefined;
  return cells.reduce((sum, c) => {
    const raw = attr(c, 'memory') ?? '';
    if (!/^\d+$/.test(raw) || !fitsULL(raw)) throw xmlError(`Invalid value '${raw}' for element or attribute './cpu/numa/cell/@memory'`);
    return sum + toKiB(raw, attr(c, 'unit'));
  }, 0);
}

/** Whether any device carries its own `<boot order>`, which replaces `<os><boot dev>`. */
function hasDeviceBootOrder(devices: XmlElement | undefined): boolean {
  return !!devices && childElements(devices).some((d) => firstChild(d, 'boot') !== undefined);
}

/** Rules a domain name must follow (libvirt refuses '/' so a name can never escape a state directory). */
export function checkDomainName(name: string): void {
  if (name.includes('/')) throw xmlError(`name ${name} cannot contain '/'`);
  if (name.includes('\n')) throw new VirError(ErrorCode.XML_DETAIL, 'invalid char in name: \n', ErrorDomain.DOMAIN);
  if (name === '.' || name === '..') throw xmlError(`name ${name} cannot be '.' or '..'`);
  if (name.includes('\n')) throw new VirError(ErrorCode.XML_DETAIL, 'invalid char in name: \n', ErrorDomain.DOMAIN);
}

/** Defaults applied where the document is silent, as libvirt's hypervisor drivers do. */
export interface DomainParseDefaults {
  /** Guest architecture when `<type arch>` is absent. */
  arch?: string;
  /** The hypervisor driver's rules for `<vcpus>`, run before libvirt's generic defaults and checks. */
  checkVcpus?: VcpuStateCheck;
  /**
   * The hypervisor driver's checks of the domain as a whole (libvirt's domain validate callback:
   * virt type, OS type, architecture against `<emulator>`), run after parsing and before
   * libvirt's generic validation of devices.
   */
  checkDomain?: (d: DomainBasics) => void;
}

/** What a driver's first checks of a domain look at. */
export interface DomainBasics {
  readonly virtType: string;
  readonly osType: string;
  readonly arch: string | undefined;
  /** `<emulator>`, when the domain names one. */
  readonly emulator: string | undefined;
}

/** Parses `<domain>` XML into a DomainDef, raising libvirt's errors for what it refuses. */
export function parseDomainXML(xml: string, defaults: DomainParseDefaults = {}): DomainDef {
  return domainFromElement(parseXml(xml, 'domain_definition', ErrorDomain.DOMAIN), defaults);
}

/** Reads a DomainDef from an already parsed `<domain>` element (as found inside `<domstatus>`). */
export function domainFromElement(root: XmlElement, defaults: DomainParseDefaults = {}): DomainDef {
  if (root.name !== 'domain') throw xmlError(`expecting root element of 'domain', not '${root.name}'`);
  const type = attr(root, 'type');
  if (!type) throw new VirError(ErrorCode.INTERNAL_ERROR, 'missing domain type attribute', ErrorDomain.DOMAIN);

  const nameEl = firstChild(root, 'name');
  const name = nameEl ? textOf(nameEl).trim() : '';
  if (!name) throw new VirError(ErrorCode.NO_NAME, undefined, ErrorDomain.DOMAIN);
  checkDomainName(name);

  const uuidEl = firstChild(root, 'uuid');
  // Generated only when absent: the first random UUID loads Node's crypto, which a CLI run that
  // only reads definitions never needs.
  let uuid: string;
  if (uuidEl) {
    const parsed = parseUUID(textOf(uuidEl));
    if (!parsed) throw new VirError(ErrorCode.INTERNAL_ERROR, 'malformed uuid element', ErrorDomain.DOMAIN);
    uuid = parsed;
  } else {
    uuid = generateUUID();
  }

  const osEl = firstChild(root, 'os');
  const osType = osEl && firstChild(osEl, 'type');
  if (!osEl || !osType) throw xmlError('an os <type> must be specified');

  const memoryKiB = memoryOf(root, 'memory') ?? numaMemoryKiB(root);
  if (memoryKiB === undefined) throw xmlError('Memory size must be specified via <memory> or in the <numa> configuration');
  const current = memoryOf(root, 'currentMemory');

  const osKind = textOf(osType).trim();
  const boot = mapPacked(childElements(osEl, 'boot'), (b) => attr(b, 'dev') ?? 'hd');
  if (boot.length === 0 && osKind === 'hvm' && !hasDeviceBootOrder(firstChild(root, 'devices'))) boot.push('hd');

  const vcpu = vcpuOf(firstChild(root, 'vcpu'));
  const states = vcpuStatesOf(firstChild(root, 'vcpus'), vcpu, defaults.checkVcpus);
  // Listed one by one, the vCPUs' states decide how many are online.
  if (states) Object.assign(vcpu, { current: onlineVcpus(states), vcpus: states });
  applyCputuneDefaults(root, vcpu.count);

  const clock = firstChild(root, 'clock');
  const title = firstChild(root, 'title');
  const description = firstChild(root, 'description');
  const devices = firstChild(root, 'devices');
  const machine = attr(osType, 'machine');
  const arch = attr(osType, 'arch') ?? defaults.arch;
  const emulatorEl = devices && firstChild(devices, 'emulator');
  const basics = { virtType: type, osType: osKind, arch, emulator: emulatorEl ? textOf(emulatorEl).trim() : undefined };
  checkDomain(root, devices ? childElements(devices) : [], defaults.checkDomain && (() => defaults.checkDomain!(basics)));
  if (devices) applyDeviceDefaults(devices, { virtType: type, osType: osKind, arch, machine });
  memtuneUnits(root);
  const { other, source, rootAttrs } = untypedParts(root);

  return {
    type,
    name,
    uuid,
    ...(title ? { title: textOf(title) } : {}),
    ...(description ? { description: textOf(description) } : {}),
    memoryKiB,
    currentMemoryKiB: current === undefined || current > memoryKiB ? memoryKiB : current,
    vcpu,
    os: {
      type: osKind,
      ...(arch !== undefined ? { arch } : {}),
      ...(machine !== undefined ? { machine } : {}),
      boot,
      other: childElements(osEl).filter((c) => c.name !== 'type' && c.name !== 'boot'),
    },
    clockOffset: (clock && attr(clock, 'offset')) ?? 'utc',
    onPoweroff: action(root, 'on_poweroff', 'destroy'),
    onReboot: action(root, 'on_reboot', 'restart'),
    onCrash: action(root, 'on_crash', 'destroy'),
    devices: devices ? childElements(devices) : [],
    other,
    source,
    rootAttrs,
  };
}

/**
 * The top-level elements the typed fields do not cover, the first element of each name they do
 * (the typed fields' sources), and the root's attributes but type and id: one pass each.
 */
function untypedParts(root: XmlElement): Pick<DomainDef, 'other' | 'rootAttrs'> & { source: Record<string, XmlElement> } {
  const other: XmlElement[] = [];
  const source: Record<string, XmlElement> = {};
  for (let i = root.children.length - 1; i >= 0; i--) {
    const c = root.children[i]!;
    if (c.kind !== 'element') continue;
    if (TYPED.has(c.name)) source[c.name] = c;
    else other.push(c);
  }
  other.reverse();
  const rootAttrs: Array<[string, string]> = [];
  for (let i = 0; i < root.attrs.length; i++) {
    const a = root.attrs[i]!;
    if (a[0] !== 'type' && a[0] !== 'id') rootAttrs.push(a);
  }
  return { other, source, rootAttrs };
}
