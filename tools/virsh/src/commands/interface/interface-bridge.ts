import { InterfaceXMLFlags, type Interface } from '@tsvirt/api';
import { attr, childElements, element, firstChild, formatXml, parseXml, setAttr, type XmlElement } from '@tsvirt/conf';
import type { CommandDef } from '../../vsh/command-def.js';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import { uintOpt } from '../../vsh/option-values.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { interfaceArg } from './interface.js';

/** The parts of an interface that belong to the physical device and move with it into or out of a bridge. */
const DEVICE_PARTS = new Set(['mac', 'bond', 'vlan']);

/** Moves the device parts among `from`'s children to the end of `to`'s, in order. */
function moveDeviceParts(from: XmlElement, to: XmlElement): void {
  const parts = childElements(from).filter((c) => DEVICE_PARTS.has(c.name));
  from.children = from.children.filter((c) => !parts.includes(c as XmlElement));
  to.children.push(...parts);
}

/** The interface named by `opt` (by name only) and its inactive definition, parsed. */
async function definitionOf(ctl: Ctl, cmd: ParsedCommand, opt: string, label: string): Promise<{ iface: Interface; name: string; top: XmlElement }> {
  const iface = await interfaceArg(ctl, cmd, { byName: true }, opt);
  const name = cmd.required(opt);
  const xml = await iface.getXMLDesc(InterfaceXMLFlags.INACTIVE);
  let top: XmlElement;
  try {
    top = parseXml(xml, label);
  } catch {
    throw new VshError(`Failed to parse configuration of ${name}`);
  }
  if (attr(top, 'type') === undefined) throw new VshError(`Existing device ${name} has no type`);
  return { iface, name, top };
}

/** Defines the converted `top` and, unless --no-start, starts it, each step with virsh's messages. */
async function defineAndStart(ctl: Ctl, cmd: ParsedCommand, top: XmlElement, msg: { defineFailed: string; defined: string; startFailed: string; started: string }): Promise<boolean> {
  let iface: Interface;
  try {
    iface = await (await ctl.connect()).interfaceDefineXML(formatXml(top));
  } catch (e) {
    throw new CommandFailed(msg.defineFailed, e);
  }
  ctl.print(msg.defined);
  if (cmd.bool('no-start')) return true;
  try {
    await iface.create();
  } catch (e) {
    throw new CommandFailed(msg.startFailed, e);
  }
  ctl.print(msg.started);
  return true;
}

function nameMismatch(config: string | undefined, given: string): VshError {
  return new VshError(`Interface name from config ${config ?? '(null)'} doesn't match given supplied name ${given}`);
}

export const ifaceBridge: CommandDef = {
  name: 'iface-bridge',
  group: 'interface',
  help: 'create a bridge device and attach an existing network device to it',
  desc: 'bridge an existing network device',
  options: [
    { name: 'interface', type: 'string', positional: true, required: true, help: 'existing interface name' },
    { name: 'bridge', type: 'string', positional: true, required: true, help: 'new bridge device name' },
    { name: 'no-stp', type: 'bool', help: 'do not enable STP for this bridge' },
    { name: 'delay', type: 'int', help: 'number of seconds to squelch traffic on newly connected ports' },
    { name: 'no-start', type: 'bool', help: "don't start the bridge immediately" },
  ],
  async run(ctl, cmd) {
    await interfaceArg(ctl, cmd, { byName: true });
    const ifName = cmd.required('interface');
    const brName = cmd.required('bridge');
    const conn = await ctl.connect();
    // The new name must be free; the failed lookup stays libvirt's last error until the next call.
    let notFound: unknown;
    try {
      await conn.interfaceLookupByName(brName);
    } catch (e) {
      notFound = e;
    }
    if (notFound === undefined) throw new VshError(`Network device ${brName} already exists`);
    const stp = !cmd.bool('no-stp');
    let delay: number;
    try {
      delay = uintOpt(cmd, 'delay') ?? 0;
    } catch (e) {
      throw new CommandFailed((e as Error).message, notFound);
    }
    const { top } = await definitionOf(ctl, cmd, 'interface', '(interface definition)');
    if (attr(top, 'type') === 'bridge') throw new VshError(`Existing device ${ifName} is already a bridge`);
    if (attr(top, 'name') !== ifName) throw nameMismatch(attr(top, 'name'), ifName);
    const bridge = element('bridge', [['stp', stp ? 'on' : 'off'], ...(delay || stp ? [['delay', String(delay)] as [string, string]] : [])]);
    const device = element('interface', [['type', attr(top, 'type')!], ['name', ifName]]);
    bridge.children.push(device);
    top.children.push(bridge);
    setAttr(top, 'type', 'bridge');
    setAttr(top, 'name', brName);
    moveDeviceParts(top, device);
    return defineAndStart(ctl, cmd, top, {
      defineFailed: `Failed to define new bridge interface ${brName}`, defined: `Created bridge ${brName} with attached device ${ifName}\n`,
      startFailed: `Failed to start bridge interface ${brName}`, started: `Bridge interface ${brName} started\n`,
    });
  },
};

export const ifaceUnbridge: CommandDef = {
  name: 'iface-unbridge',
  group: 'interface',
  help: 'undefine a bridge device after detaching its device(s)',
  desc: 'unbridge a network device',
  options: [
    { name: 'bridge', type: 'string', positional: true, required: true, help: 'current bridge device name' },
    { name: 'no-start', type: 'bool', help: "don't start the detached interface immediately (not recommended)" },
  ],
  async run(ctl, cmd) {
    const { iface: br, name: brName, top } = await definitionOf(ctl, cmd, 'bridge', '(bridge interface definition)');
    if (attr(top, 'type') !== 'bridge') throw new VshError(`Device ${brName} is not a bridge`);
    if (attr(top, 'name') !== brName) throw nameMismatch(attr(top, 'name'), brName);
    const bridge = firstChild(top, 'bridge');
    if (!bridge) throw new VshError('No bridge node in xml document');
    const attached = childElements(bridge, 'interface');
    if (attached.length > 1) throw new VshError('Multiple interfaces attached to bridge');
    const device = attached[0];
    if (!device) throw new VshError('No interface attached to bridge');
    const ifName = attr(device, 'name');
    if (ifName === undefined) throw new VshError(`Device attached to bridge ${brName} has no name`);
    const ifType = attr(device, 'type');
    if (ifType === undefined) throw new VshError(`Attached device ${ifName} has no type`);
    setAttr(top, 'type', ifType);
    setAttr(top, 'name', ifName);
    moveDeviceParts(device, top);
    try {
      await br.destroy();
    } catch (e) {
      throw new CommandFailed(`Failed to destroy bridge interface ${brName}`, e);
    }
    try {
      await br.undefine();
    } catch (e) {
      throw new CommandFailed(`Failed to undefine bridge interface ${brName}`, e);
    }
    return defineAndStart(ctl, cmd, top, {
      defineFailed: `Failed to define new interface ${ifName}`, defined: `Device ${ifName} un-attached from bridge ${brName}\n`,
      startFailed: `Failed to start interface ${ifName}`, started: `Interface ${ifName} started\n`,
    });
  },
};
