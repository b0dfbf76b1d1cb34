import { qemu_program, remote_program } from '@tsvirt/remote/protocol';
import { describe, expect, it } from 'vitest';
import { modifies, publicApiName } from '../src/dispatch/readonly-rule.js';
import { servedURI } from '../src/served-uri.js';

const proc = (name: string) => remote_program.byName.get(`REMOTE_PROC_${name}`)!;

describe('which procedures a read-only client may call', () => {
  it.each(['DOMAIN_DESTROY', 'DOMAIN_DEFINE_XML', 'DOMAIN_SET_AUTOSTART', 'NETWORK_UPDATE', 'STORAGE_VOL_UPLOAD', 'SECRET_GET_VALUE',
    'DOMAIN_SCREENSHOT', 'CONNECT_COMPARE_HYPERVISOR_CPU'])('%s writes', (n) => expect(modifies(proc(n))).toBe(true));
  it.each(['DOMAIN_LOOKUP_BY_NAME', 'CONNECT_LIST_ALL_DOMAINS', 'DOMAIN_GET_XML_DESC', 'CONNECT_OPEN', 'AUTH_LIST',
    'CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY', 'DOMAIN_GET_VCPUS_FLAGS'])('%s only reads (flag-dependent checks are the API\'s)', (n) => {
    expect(modifies(proc(n))).toBe(false);
  });
  it('names the public API as libvirt spells it', () => {
    expect(publicApiName(proc('DOMAIN_DEFINE_XML_FLAGS'))).toBe('virDomainDefineXMLFlags');
    expect(publicApiName(proc('DOMAIN_INJECT_NMI'))).toBe('virDomainInjectNMI');
    expect(publicApiName(proc('NWFILTER_DEFINE_XML'))).toBe('virNWFilterDefineXML');
    expect(publicApiName(proc('DOMAIN_LOOKUP_BY_UUID'))).toBe('virDomainLookupByUUID');
    expect(publicApiName(proc('DOMAIN_PIN_IOTHREAD'))).toBe('virDomainPinIOThread');
  });
  it('names the side programs\' calls with their program', () => {
    const qemu = (name: string) => qemu_program.byName.get(`QEMU_PROC_${name}`)!;
    expect(publicApiName(qemu('DOMAIN_ATTACH'))).toBe('virDomainQemuAttach');
    expect(publicApiName(qemu('CONNECT_DOMAIN_MONITOR_EVENT_REGISTER'))).toBe('virConnectDomainQemuMonitorEventRegister');
    expect(publicApiName(qemu('DOMAIN_MONITOR_COMMAND_WITH_FILES'))).toBe('virDomainQemuMonitorCommandWithFiles');
  });
});

describe('the URI a client\'s name opens', () => {
  it('an embed root daemon: system and session mean the root, other names pass', () => {
    expect(servedURI('qemu:///system', '/srv/r')).toBe('qemu:///embed?root=/srv/r');
    expect(servedURI('qemu:///session', '/srv/r')).toBe('qemu:///embed?root=/srv/r');
    expect(servedURI('lxc:///system', '/srv/r')).toBe('lxc:///embed?root=/srv/r');
    expect(servedURI('test:///default', '/srv/r')).toBe('test:///default');
    expect(servedURI('qemu:///embed?root=/other', '/srv/r')).toBe('qemu:///embed?root=/other');
    expect(servedURI(null, '/srv/r')).toBe('qemu:///embed?root=/srv/r');
  });
  it('the host root daemon passes names as given', () => {
    expect(servedURI('qemu:///system', undefined)).toBe('qemu:///system');
    expect(servedURI(null, undefined)).toBe(process.getuid?.() === 0 ? 'qemu:///system' : 'qemu:///session');
  });
});
