import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { addDevice, devicesOf, editDevice, findDevice, formatDomainXML, parseDomainXML, removeDevice, type DeviceOf, type DomainDef, type DomainDevice } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, runCommand, systemError } from '@tsvirt/util';
import { setValue } from '../cgroup/cgroup-ops.js';
import { deviceTypeName, findNic, sameHostdev } from '../conf/device-match.js';
import { diskNode, findUsb, usbRoots, type DevNode } from '../conf/hostdevs.js';
import { moveVethsIn } from '../controller/veth-setup.js';
import { ensureHelper } from '../process/package-files.js';
import type { ActiveStatus } from '../state/lxc-status.js';
import { LXC_ARCH, readInit, writeStatus } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { releasePorts } from './network-ports.js';
import { removeHostVeths, setupVeth, type HostNetwork } from './veth-host.js';

const D = ErrorDomain.LXC;
const failed = (msg: string) => new VirError(ErrorCode.OPERATION_FAILED, msg, D);
const unsupported = (msg: string) => new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, D);
type Hostdev = DeviceOf<'hostdev'>;

/** What a live change works on: the running container's init, its live definition and its cgroup. */
interface Live {
  readonly drv: LxcContext;
  readonly s: ActiveStatus;
  readonly init: number;
  def: DomainDef;
}

async function liveOf(drv: LxcContext, s: ActiveStatus): Promise<Live> {
  const init = await readInit(drv.paths, s.name);
  if (!init) throw new VirError(ErrorCode.OPERATION_INVALID, 'Init pid is not yet available', D);
  return { drv, s, init: init.pid, def: parseDomainXML(s.xml, { arch: LXC_ARCH }) };
}

async function save(l: Live): Promise<void> {
  l.s.xml = formatDomainXML(l.def, { id: l.s.id });
  await writeStatus(l.drv.paths, l.s);
}

/** The cgroup rule of a host node (`b 7:2 rwm`), or undefined when it is gone. */
async function ruleOf(host: string): Promise<string | undefined> {
  const st = await stat(host).catch(() => undefined);
  if (!st) return undefined;
  const major = (st.rdev >> 8) & 0xfff;
  const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
  return `${st.isBlockDevice() ? 'b' : 'c'} ${major}:${minor} rwm`;
}

/** Runs the helper in one of its one-shot modes; its `error TEXT` becomes the error. */
async function helper(args: string[]): Promise<void> {
  const r = await runCommand(await ensureHelper(), args, { okExitCodes: [0, 125], domain: D });
  if (r.exitCode !== 0) throw new VirError(ErrorCode.INTERNAL_ERROR, r.stderr.trim().replace(/^error /, ''), D);
}

/** Gives the running container a device node: allowed in its cgroup, then made in its /dev. */
async function addNode(l: Live, node: DevNode): Promise<void> {
  const rule = await ruleOf(node.host);
  if (!rule) throw systemError(`Unable to access ${node.host}`, Object.assign(new Error('ENOENT'), { code: 'ENOENT' }), D);
  await setValue(l.s.tree, l.s.cgroups, 'devices', 'devices.allow', rule);
  try {
    await helper(['devnode', String(l.init), node.host, node.path]);
  } catch (e) {
    await setValue(l.s.tree, l.s.cgroups, 'devices', 'devices.deny', rule).catch(() => undefined);
    throw e;
  }
}

/** Takes a node away again: removed from its /dev, denied in its cgroup. */
async function removeNode(l: Live, node: DevNode): Promise<void> {
  await helper(['rmnode', String(l.init), node.path]);
  const rule = await ruleOf(node.host);
  if (rule) await setValue(l.s.tree, l.s.cgroups, 'devices', 'devices.deny', rule);
}

/** Checks a live hostdev's host node as libvirt's lxcDomainAttachDeviceHostdev*Live does. */
async function checkedNode(path: string, want: 'block' | 'char'): Promise<void> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw systemError(`Unable to access ${path}`, e, D);
  });
  // libvirt 9.0 words the character-device check of a misc hostdev as a block-device one.
  if (want === 'block' ? !st.isBlockDevice() : !st.isCharacterDevice()) throw unsupported(`Hostdev source ${path} must be a block device`);
}

/** The node a live hostdev is, after libvirt's refusals of the kinds it cannot hot-plug. */
async function hostdevNode(h: Hostdev, attach: boolean): Promise<DevNode> {
  const src = h.source;
  if (h.mode === 'capabilities' && (h.type === 'storage' || h.type === 'misc')) {
    const path = (h.type === 'storage' ? src?.block : src?.char) ?? '';
    if (attach) await checkedNode(path, h.type === 'storage' ? 'block' : 'char');
    return { host: path, path };
  }
  if (h.mode === 'subsystem' && h.type === 'usb') {
    const bus = src?.address?.bus;
    const device = src?.address?.device;
    if (bus === undefined || device === undefined) return findUsb({ kind: 'usb', vendor: src?.vendor, product: src?.product });
    const rel = `${String(bus).padStart(3, '0')}/${String(device).padStart(3, '0')}`;
    const node = { host: join(usbRoots().devfs, rel), path: `/dev/bus/usb/${rel}` };
    if (attach) {
      await stat(node.host).catch((e: NodeJS.ErrnoException) => {
        throw systemError(`Unable to access ${node.path}`, e, D);
      });
    }
    return node;
  }
  throw unsupported(`Unsupported host device type ${h.type}`);
}

function unsupportedHostdev(h: Hostdev): boolean {
  return !((h.mode === 'capabilities' && (h.type === 'storage' || h.type === 'misc')) || (h.mode === 'subsystem' && h.type === 'usb'));
}

/** libvirt's lxcDomainAttachDeviceNetLive: a veth pair, the peer moved into the container. */
async function attachNic(l: Live, nic: DeviceOf<'interface'>): Promise<void> {
  const type = nic.type ?? 'ethernet';
  if (!['bridge', 'network', 'ethernet', 'direct'].includes(type)) throw unsupported('Network device type is not supported');
  const net: HostNetwork = { plans: [], ports: [] };
  try {
    const plan = await setupVeth(l.drv, l.s, nic, `eth${devicesOf(l.def, 'interface').length}`, net);
    await moveVethsIn([plan], l.init);
    l.def = addDevice(l.def, { ...nic, target: { ...nic.target, dev: plan.host } });
  } catch (e) {
    await removeHostVeths(net.plans);
    await releasePorts(l.drv, net.ports);
    throw e;
  }
  l.s.veths.push(...net.plans.map((p) => p.host));
  l.s.ports.push(...net.ports);
}

async function detachNic(l: Live, want: DeviceOf<'interface'>): Promise<void> {
  const nic = findNic(l.def, want);
  const host = nic.target?.dev;
  if (host) await runCommand('ip', ['link', 'del', host]).catch(() => undefined);
  l.s.veths = l.s.veths.filter((v) => v !== host);
  const ports = l.s.ports.filter((p) => p.mac !== undefined && p.mac === nic.mac);
  await releasePorts(l.drv, ports);
  l.s.ports = l.s.ports.filter((p) => !ports.includes(p));
  l.def = removeDevice(l.def, nic);
}

async function attachDisk(l: Live, dev: DeviceOf<'disk'>): Promise<void> {
  const node = diskNode(dev, unsupported);
  if (findDevice(l.def, 'disk', (d) => d.target?.dev === dev.target?.dev)) throw failed(`target ${dev.target?.dev} already exists`);
  await checkedNode(node.host, 'block');
  await addNode(l, node);
  l.def = addDevice(l.def, dev);
}

async function detachDisk(l: Live, dev: DeviceOf<'disk'>): Promise<void> {
  const disk = findDevice(l.def, 'disk', (d) => d.target?.dev === dev.target?.dev);
  if (!disk) throw failed(`disk ${dev.target?.dev} not found`);
  await removeNode(l, { host: disk.source?.dev ?? '', path: `/dev/${disk.target?.dev ?? ''}` });
  l.def = removeDevice(l.def, disk);
}

async function attachHostdev(l: Live, dev: Hostdev): Promise<void> {
  if (unsupportedHostdev(dev)) throw unsupported(`Unsupported host device type ${dev.type}`);
  if (findDevice(l.def, 'hostdev', (h) => sameHostdev(h, dev))) throw failed('host device already exists');
  await addNode(l, await hostdevNode(dev, true));
  l.def = addDevice(l.def, dev);
}

async function detachHostdev(l: Live, dev: Hostdev): Promise<void> {
  if (unsupportedHostdev(dev)) throw unsupported(`Unsupported host device type ${dev.type}`);
  const found = devicesOf(l.def, 'hostdev').find((h) => sameHostdev(h, dev));
  if (!found) throw failed(dev.type === 'usb' ? 'usb device not found' : `hostdev ${dev.source?.block ?? dev.source?.char} not found`);
  await removeNode(l, await hostdevNode(found, false));
  l.def = removeDevice(l.def, found);
}

type Change = (l: Live, dev: never) => Promise<void>;

/** The device kinds libvirt's LXC driver changes on a running container, and how (lxcDomain{Attach,Detach}DeviceLive). */
const LIVE_CHANGES: Readonly<Record<string, { readonly attach: Change; readonly detach: Change }>> = {
  disk: { attach: attachDisk, detach: detachDisk },
  interface: { attach: attachNic, detach: detachNic },
  hostdev: { attach: attachHostdev, detach: detachHostdev },
};

/** Attaches or detaches `dev` on the running container; its live definition is saved after. */
export async function changeLive(drv: LxcContext, s: ActiveStatus, dev: DomainDevice, op: 'attach' | 'detach'): Promise<void> {
  const change = Object.hasOwn(LIVE_CHANGES, dev.kind) ? LIVE_CHANGES[dev.kind]![op] : undefined;
  if (!change) throw unsupported(`device type '${deviceTypeName(dev.kind)}' cannot be ${op}ed`);
  const l = await liveOf(drv, s);
  await (change as (l: Live, dev: DomainDevice) => Promise<void>)(l, dev);
  await save(l);
}

/** The live definition with each interface's host veth as its `<target dev>`, as libvirt shows a running domain. */
export function withVethTargets(def: DomainDef, hosts: readonly string[]): DomainDef {
  let out = def;
  hosts.forEach((host, i) => {
    const nic = devicesOf(out, 'interface')[i];
    if (nic) out = editDevice(out, nic, (d) => { d.target = { ...d.target, dev: host }; });
  });
  return out;
}
