import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkUpdateCommand as C, NetworkUpdateSection as S } from '@tsvirt/conf';
import { TestHost, inNs } from './netns.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const LIVE_AND_CONFIG = 3;

/** dnsmasq rereads its hosts files on SIGHUP in its own time: ask until it knows the name (10 s at most). */
function lookupSoon(ns: string, name: string, server: string): string {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return inNs(ns, 'busybox', 'nslookup', '-type=a', name, server);
    } catch (e) {
      if (Date.now() > until) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

describe('net-update on a running network', () => {
  let host: TestHost;
  let guest: string;
  const br = (): string => `ub${host.tag}`;
  const pid = (): number => host.status('up').dnsmasq!.pid;
  const dnsmasqFile = (suffix: string): string => readFileSync(`${host.root}/lib/network/dnsmasq/up.${suffix}`, 'utf8');
  const update = (command: number, section: number, xml: string, flags = LIVE_AND_CONFIG): void =>
    host.ok(`await (await conn.networkLookupByName('up')).update(${command}, ${section}, -1, ${JSON.stringify(xml)}, ${flags});`);

  beforeAll(() => {
    host = new TestHost();
    guest = host.namespace('g');
    host.link(guest, `gu${host.tag}`);
    inNs(guest, 'ip', 'link', 'set', 'eth0', 'address', '52:54:00:12:34:56');
    host.ok(`await (await conn.networkDefineXML(${JSON.stringify(`<network><name>up</name><forward mode='nat'/><bridge name='${br()}'/>
      <ip address='192.168.94.1' netmask='255.255.255.0'><dhcp><range start='192.168.94.100' end='192.168.94.110'/></dhcp></ip></network>`)})).create();`);
    inNs(host.ns, 'ip', 'link', 'set', `gu${host.tag}`, 'master', br());
  });
  afterAll(() => host.remove());

  it('a DHCP host reaches dnsmasq by SIGHUP (same process) and the guest gets its fixed address', () => {
    const before = pid();
    update(C.ADD_LAST, S.IP_DHCP_HOST, "<host mac='52:54:00:12:34:56' name='fixed' ip='192.168.94.42'/>");
    expect(pid()).toBe(before);
    expect(dnsmasqFile('hostsfile')).toBe('52:54:00:12:34:56,192.168.94.42,fixed\n');
    expect(host.ok<string>(`return (await conn.networkLookupByName('up')).getXMLDesc(1);`)).toContain("<host mac='52:54:00:12:34:56' name='fixed' ip='192.168.94.42'/>");
    inNs(guest, 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '10', '-T', '1', '-s', join(FIXTURES, 'udhcpc.sh'));
    expect(inNs(guest, 'ip', '-o', '-4', 'addr', 'show', 'eth0')).toContain('inet 192.168.94.42/24');
  });

  it('a DNS host is answered by the network\'s DNS server', () => {
    update(C.ADD_LAST, S.DNS_HOST, "<host ip='192.168.94.7'><hostname>printer</hostname></host>");
    expect(dnsmasqFile('addnhosts')).toBe('192.168.94.7\tprinter\t\n');
    expect(lookupSoon(guest, 'printer', '192.168.94.1')).toContain('192.168.94.7');
  });

  it('a new range and a TXT record restart dnsmasq with the new config', () => {
    const before = pid();
    update(C.ADD_LAST, S.IP_DHCP_RANGE, "<range start='192.168.94.200' end='192.168.94.210'/>");
    update(C.ADD_LAST, S.DNS_TXT, "<txt name='info' value='hello'/>");
    expect(pid()).not.toBe(before);
    expect(dnsmasqFile('conf')).toContain('txt-record=info,hello\ndhcp-range=192.168.94.100,192.168.94.110,255.255.255.0\ndhcp-range=192.168.94.200,192.168.94.210,255.255.255.0\n');
    expect(host.rootProcesses()).toEqual([pid()]);
  });

  it('deleting the DHCP host takes it out of the hosts file', () => {
    update(C.DELETE, S.IP_DHCP_HOST, "<host mac='52:54:00:12:34:56' name='fixed' ip='192.168.94.42'/>");
    expect(dnsmasqFile('hostsfile')).toBe('');
  });

  it('refuses what cannot change live, and live changes to a stopped network', () => {
    const err = host.api(`await (await conn.networkLookupByName('up')).update(${C.MODIFY}, ${S.BRIDGE}, -1, "<bridge name='x'/>", 1);`);
    expect(err).toMatchObject({ error: { code: 84, message: `Operation not supported: can't update 'bridge' section of network 'up' while it is running` } });
    host.ok(`await (await conn.networkLookupByName('up')).destroy();`);
    const stopped = host.api(`await (await conn.networkLookupByName('up')).update(${C.ADD_LAST}, ${S.DNS_TXT}, -1, "<txt name='a' value='b'/>", 1);`);
    expect(stopped).toMatchObject({ error: { code: 55, message: 'Requested operation is not valid: network is not running' } });
  });
});
