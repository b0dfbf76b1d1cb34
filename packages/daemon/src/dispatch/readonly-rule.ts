import type { Procedure } from '@tsvirt/remote/protocol';
import { ErrorCode, VirError } from '@tsvirt/util';

/** Permissions a read-only client holds (libvirt's polkit/ACL names: `domain:read`, `connect:search_domains`). */
const READ_PERMS = /^(none|read|getattr|search_[a-z_]+)$/;

const memo = new Map<Procedure, boolean>();

/**
 * Whether a procedure modifies anything, from its `@acl` annotation: any unconditional permission
 * other than reading. Conditional ones (`domain:read_secure:VIR_DOMAIN_XML_SECURE`) depend on the
 * flags, and are judged by the public API the handler calls, as libvirt's own API does.
 */
export function modifies(p: Procedure): boolean {
  let m = memo.get(p);
  if (m === undefined) {
    m = p.acl.some((a) => {
      const [, perm, ...cond] = a.split(':');
      return cond.length === 0 && perm !== undefined && !READ_PERMS.test(perm);
    });
    memo.set(p, m);
  }
  return m;
}

const ACRONYMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Xml/g, 'XML'], [/Uuid/g, 'UUID'], [/Uri/g, 'URI'], [/Cpu/g, 'CPU'], [/Iothread/g, 'IOThread'],
  [/Nwfilter/g, 'NWFilter'], [/Fstrim/, 'FSTrim'], [/Fsfreeze/, 'FSFreeze'], [/Fsthaw/, 'FSThaw'], [/Fsinfo/, 'FSInfo'],
  [/^Pm/, 'PM'], [/DomainPm/g, 'DomainPM'], [/GetOsType/, 'GetOSType'], [/Ssh/g, 'SSH'], [/(Graphics)Fd$/, '$1FD'], [/^DomainFd/, 'DomainFD'],
  [/Sev/g, 'SEV'], [/Nmi/g, 'NMI'], [/Dhcp/g, 'DHCP'], [/Mac/g, 'MAC'], [/Wwn/g, 'WWN'], [/Scsi/g, 'SCSI'], [/Id$/g, 'ID'],
];

/** The public API a procedure stands for, as libvirt names it in errors (`domainDefineXml` → `virDomainDefineXML`). */
export function publicApiName(p: Procedure): string {
  let name = p.method.charAt(0).toUpperCase() + p.method.slice(1);
  for (const [re, to] of ACRONYMS) name = name.replace(re, to);
  // the side programs' calls carry their program's name: virDomainLxcOpenNamespace, virDomainQemuMonitorCommand,
  // virConnectDomainQemuMonitorEventRegister
  const side = /^(LXC|QEMU)_PROC_(?:CONNECT_)?DOMAIN_/.exec(p.name)?.[1];
  if (side) name = name.replace(/^(Connect)?Domain/, `$1Domain${side === 'LXC' ? 'Lxc' : 'Qemu'}`);
  return `vir${name}`;
}

/** libvirt's refusal of a modifying call from a client of the read-only socket. */
export function denyReadonlyCall(p: Procedure): void {
  if (modifies(p)) throw new VirError(ErrorCode.OPERATION_DENIED, `read only access prevents ${publicApiName(p)}`);
}
