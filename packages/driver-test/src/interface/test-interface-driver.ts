import { formatInterfaceXML, parseInterfaceXML } from '@tsvirt/conf';
import { InterfaceDefineFlags, ListInterfacesFlags as F, matchesFlagGroups, type InterfaceDriver, type InterfaceRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { interfaceRef, type TestInterfaces } from './interface-objects.js';

const D = ErrorDomain.TEST;

/** libvirt's test driver gives no detail when an interface is in the wrong state. */
const wrongState = (): VirError => new VirError(ErrorCode.OPERATION_INVALID, undefined, D);

/** The host interface entry points of libvirt 9.0's test driver, over one host's interfaces. */
export class TestInterfaceDriver implements InterfaceDriver {
  constructor(private readonly ifaces: TestInterfaces) {}

  async connectListAllInterfaces(flags: number): Promise<InterfaceRef[]> {
    checkFlags(flags, F.ACTIVE | F.INACTIVE, 'testConnectListAllInterfaces', D);
    return this.ifaces.list
      .filter((i) => matchesFlagGroups(flags, [[[F.ACTIVE, i.active], [F.INACTIVE, !i.active]]]))
      .map(interfaceRef);
  }
  async interfaceLookupByName(name: string): Promise<InterfaceRef> {
    return interfaceRef(this.ifaces.byName(name));
  }
  async interfaceLookupByMACString(mac: string): Promise<InterfaceRef> {
    return interfaceRef(this.ifaces.byMAC(mac));
  }
  async interfaceDefineXML(xml: string, flags: number): Promise<InterfaceRef> {
    checkFlags(flags, InterfaceDefineFlags.VALIDATE, 'testInterfaceDefineXML', D);
    return interfaceRef(this.ifaces.assign(parseInterfaceXML(xml)));
  }
  /** libvirt's test driver removes an interface whether it is up or not. */
  async interfaceUndefine(iface: InterfaceRef): Promise<void> {
    this.ifaces.remove(this.ifaces.byName(iface.name));
  }
  async interfaceCreate(iface: InterfaceRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testInterfaceCreate', D);
    const obj = this.ifaces.byName(iface.name);
    if (obj.active) throw wrongState();
    obj.active = true;
  }
  async interfaceDestroy(iface: InterfaceRef, flags: number): Promise<void> {
    checkFlags(flags, 0, 'testInterfaceDestroy', D);
    const obj = this.ifaces.byName(iface.name);
    if (!obj.active) throw wrongState();
    obj.active = false;
  }
  /** The test driver knows no flag here, not even InterfaceXMLFlags.INACTIVE. */
  async interfaceGetXMLDesc(iface: InterfaceRef, flags: number): Promise<string> {
    checkFlags(flags, 0, 'testInterfaceGetXMLDesc', D);
    return formatInterfaceXML(this.ifaces.byName(iface.name).def);
  }
  async interfaceIsActive(iface: InterfaceRef): Promise<boolean> {
    return this.ifaces.byName(iface.name).active;
  }

  async interfaceChangeBegin(flags: number): Promise<void> {
    checkFlags(flags, 0, 'testInterfaceChangeBegin', D);
    if (this.ifaces.saved) throw new VirError(ErrorCode.OPERATION_INVALID, 'there is another transaction running.', D);
    this.ifaces.saved = this.ifaces.list.map((i) => i.def);
  }
  async interfaceChangeCommit(flags: number): Promise<void> {
    checkFlags(flags, 0, 'testInterfaceChangeCommit', D);
    if (!this.ifaces.saved) throw new VirError(ErrorCode.OPERATION_INVALID, 'no transaction running, nothing to be committed.', D);
    this.ifaces.saved = undefined;
  }
  /** Restores the saved definitions; as in libvirt's test driver, every restored interface is down. */
  async interfaceChangeRollback(flags: number): Promise<void> {
    checkFlags(flags, 0, 'testInterfaceChangeRollback', D);
    const saved = this.ifaces.saved;
    if (!saved) throw new VirError(ErrorCode.OPERATION_INVALID, 'no transaction running, nothing to rollback.', D);
    this.ifaces.list = saved.map((def) => ({ def, active: false }));
    this.ifaces.saved = undefined;
  }
}
