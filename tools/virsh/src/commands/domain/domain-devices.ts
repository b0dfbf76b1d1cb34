import { DomainDeviceModifyFlags as F, DomainModificationImpact as Impact, type Domain } from '@tsvirt/api';
import type { XmlElement } from '@tsvirt/conf';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import { nonEmptyOpt } from '../../vsh/option-values.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { childAttr, diskSource, domainDevices } from '../../domain-devices-xml.js';
import { dumpElement } from '../../xml-dump.js';
import { readXMLFile } from './domain-xml.js';
import { boolOpt, checkDeviceImpact, configOpt, currentOpt, deviceImpactFlags, liveOpt, persistentOpt, wantsFlagsAPI } from '../shared/modify-impact.js';
import { diskXML } from './disk-xml.js';
import { interfaceXML } from './interface-xml.js';
import { objectCommand } from '../shared/object-command.js';

const IMPACT_OPTS = [persistentOpt, configOpt, liveOpt, currentOpt];
const printXMLOpt = (what: string): OptDef => boolOpt('print-xml', `print XML document rather than ${what}`);
const strOpt = (name: string, help: string): OptDef => ({ name, type: 'string', help });
const dataOpt = (name: string, help: string): OptDef => ({ name, type: 'string', positional: true, required: true, help });

/** Attaches or detaches through the flag-taking API when any impact option was given, else through the old live-only one. */
async function modify(cmd: ParsedCommand, dom: Domain, xml: string, flags: number, attach: boolean): Promise<void> {
  if (wantsFlagsAPI(cmd, flags)) await (attach ? dom.attachDeviceFlags(xml, flags) : dom.detachDeviceFlags(xml, flags));
  else await (attach ? dom.attachDevice(xml) : dom.detachDevice(xml));
}

/** attach-device, detach-device, update-device: a device from an XML file. */
function fromFile(name: string, help: string, desc: string, verb: 'attach' | 'detach' | 'update', done: string): CommandDef {
  return {
    name,
    group: 'domain',
    help,
    desc,
    options: [domainOpt(), dataOpt('file', 'XML file'), ...IMPACT_OPTS, ...(verb === 'update' ? [boolOpt('force', 'force device update')] : [])],
    async run(ctl, cmd) {
      checkDeviceImpact(cmd);
      const dom = await domainArg(ctl, cmd);
      const file = cmd.required('file');
      let flags = await deviceImpactFlags(cmd, dom);
      const xml = await readXMLFile(file);
      try {
        if (verb === 'update') {
          if (cmd.bool('force')) flags |= F.FORCE;
          await dom.updateDeviceFlags(xml, flags);
        } else {
          await modify(cmd, dom, xml, flags, verb === 'attach');
        }
      } catch (e) {
        throw new CommandFailed(`Failed to ${verb} device from ${file}`, e);
      }
      ctl.extra(`Device ${done} successfully\n`);
      return true;
    },
  };
}

export const attachDevice = fromFile('attach-device', 'attach device from an XML file', 'Attach device from an XML <file>.', 'attach', 'attached');
export const detachDevice = fromFile('detach-device', 'detach device from an XML file', 'Detach device from an XML <file>', 'detach', 'detached');
export const updateDevice = fromFile('update-device', 'update device from an XML file', 'Update device from an XML <file>.', 'update', 'updated');

/** attach-disk and attach-interface: XML built from options, printed with --print-xml (no domain needed) or attached. */
async function attachBuilt(ctl: Ctl, cmd: ParsedCommand, xml: string, what: string): Promise<boolean> {
  if (cmd.bool('print-xml')) {
    ctl.print(xml);
    return true;
  }
  const dom = await domainArg(ctl, cmd);
  const flags = await deviceImpactFlags(cmd, dom);
  try {
    await modify(cmd, dom, xml, flags, true);
  } catch (e) {
    throw new CommandFailed(`Failed to attach ${what.toLowerCase()}`, e);
  }
  ctl.extra(`${what} attached successfully\n`);
  return true;
}

export const attachDisk: CommandDef = {
  name: 'attach-disk',
  group: 'domain',
  help: 'attach disk device',
  desc: 'Attach new disk device.',
  options: [
    domainOpt(),
    dataOpt('source', 'source of disk device or name of network disk'),
    dataOpt('target', 'target of disk device'),
    strOpt('targetbus', 'target bus of disk device'),
    strOpt('driver', 'driver of disk device'),
    strOpt('subdriver', 'subdriver of disk device'),
    strOpt('iothread', 'IOThread to be used by supported device'),
    strOpt('cache', 'cache mode of disk device'),
    strOpt('io', 'io policy of disk device'),
    strOpt('type', 'target device type'),
    strOpt('mode', 'mode of device reading and writing'),
    strOpt('sourcetype', 'type of source (block|file|network)'),
    strOpt('serial', 'serial of disk device'),
    strOpt('wwn', 'wwn of disk device'),
    strOpt('alias', 'custom alias name of disk device'),
    boolOpt('rawio', 'needs rawio capability'),
    strOpt('address', 'address of disk device'),
    boolOpt('multifunction', 'use multifunction pci under specified address'),
    printXMLOpt('attach the disk'),
    strOpt('source-protocol', 'protocol used by disk device source'),
    strOpt('source-host-name', 'host name for source of disk device'),
    strOpt('source-host-transport', 'host transport for source of disk device'),
    strOpt('source-host-socket', 'host socket for source of disk device'),
    ...IMPACT_OPTS,
  ],
  async run(ctl, cmd) {
    checkDeviceImpact(cmd);
    return attachBuilt(ctl, cmd, diskXML(cmd), 'Disk');
  },
};

export const attachInterface: CommandDef = {
  name: 'attach-interface',
  group: 'domain',
  help: 'attach network interface',
  desc: 'Attach new network interface.',
  options: [
    domainOpt(),
    dataOpt('type', 'network interface type'),
    dataOpt('source', 'source of network interface'),
    strOpt('target', 'target network name'),
    strOpt('mac', 'MAC address'),
    strOpt('script', 'script used to bridge network interface'),
    strOpt('model', 'model type'),
    strOpt('alias', 'custom alias name of interface device'),
    strOpt('inbound', "control domain's incoming traffics"),
    strOpt('outbound', "control domain's outgoing traffics"),
    ...IMPACT_OPTS,
    printXMLOpt('attach the interface'),
    boolOpt('managed', 'libvirt will automatically detach/attach the device from/to host'),
    strOpt('source-mode', 'mode attribute of <source/> element'),
  ],
  async run(ctl, cmd) {
    checkDeviceImpact(cmd);
    return attachBuilt(ctl, cmd, interfaceXML(cmd), 'Interface');
  },
};

/**
 * detach-disk and detach-interface: find the device in the domain's XML (the inactive one when
 * only the next boot is affected), then print it as found or detach it.
 */
async function detachFound(ctl: Ctl, cmd: ParsedCommand, dom: Domain, flags: number, device: XmlElement, what: string): Promise<boolean> {
  const xml = dumpElement(device);
  if (cmd.bool('print-xml')) {
    ctl.print(xml);
    return true;
  }
  try {
    await modify(cmd, dom, xml, flags, false);
  } catch (e) {
    throw new CommandFailed(`Failed to detach ${what.toLowerCase()}`, e);
  }
  ctl.extra(`${what} detached successfully\n`);
  return true;
}

export const detachDisk = objectCommand({
  name: 'detach-disk',
  group: 'domain',
  help: 'detach disk device',
  desc: 'Detach disk device.',
  object: DOMAIN,
  check(cmd) {
    checkDeviceImpact(cmd);
  },
  options: [dataOpt('target', 'target of disk device'), ...IMPACT_OPTS, printXMLOpt('detach the disk')],
  async run(dom, ctl, cmd) {
    const flags = await deviceImpactFlags(cmd, dom);
    const target = cmd.required('target');
    const disk = (await domainDevices(dom, 'disk', flags === Impact.CONFIG))
      .find((d) => childAttr(d, 'target', 'dev') === target || diskSource(d) === target);
    if (!disk) throw new VshError(`No disk found whose source path or target is ${target}`);
    return detachFound(ctl, cmd, dom, flags, disk, 'Disk');
  },
});

/** The interface of `type` to detach: the one with --mac, or the only one of that type. */
function findInterface(ifaces: readonly XmlElement[], type: string, mac: string | undefined): XmlElement {
  const ofType = ifaces.filter((i) => i.attrs.some(([k, v]) => k === 'type' && v === type));
  if (ofType.length === 0) throw new VshError(`No interface found whose type is ${type}`);
  if (mac === undefined) {
    if (ofType.length > 1) throw new VshError(`Domain has ${ofType.length} interfaces. Please specify which one to detach using --mac`);
    return ofType[0]!;
  }
  const found = ofType.find((i) => childAttr(i, 'mac', 'address')?.toLowerCase() === mac.toLowerCase());
  if (!found) throw new VshError(`No interface with MAC address ${mac} was found`);
  return found;
}

export const detachInterface = objectCommand({
  name: 'detach-interface',
  group: 'domain',
  help: 'detach network interface',
  desc: 'Detach network interface.',
  object: DOMAIN,
  check(cmd) {
    checkDeviceImpact(cmd);
  },
  options: [dataOpt('type', 'network interface type'), strOpt('mac', 'MAC address'), ...IMPACT_OPTS, printXMLOpt('detach the interface')],
  async run(dom, ctl, cmd) {
    const flags = await deviceImpactFlags(cmd, dom);
    let iface: XmlElement;
    try {
      const type = cmd.required('type');
      const mac = nonEmptyOpt(cmd, 'mac');
      iface = findInterface(await domainDevices(dom, 'interface', flags === Impact.CONFIG), type, mac);
    } catch (e) {
      // virsh adds its failure line after its own complaint, except when only printing.
      const quiet = cmd.bool('print-xml') && !(e instanceof VshError && e.message.startsWith('Failed to get option'));
      if (quiet || !(e instanceof VshError)) throw e;
      throw new VshError(`${e.message}\nerror: Failed to detach interface`);
    }
    return detachFound(ctl, cmd, dom, flags, iface, 'Interface');
  },
});
