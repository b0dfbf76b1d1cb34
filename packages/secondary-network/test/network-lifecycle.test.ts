import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNNER, TestHost, inNs, sh } from './netns.js';

/** A NAT network with DHCP on a subnet and bridge unique to the test host. */
function natXML(host: TestHost, name: string, octet: number, extra = ''): string {
  return `<network><name>${name}</name><uuid>00000000-0000-4000-8000-0000000000${octet}</uuid><forward mode='nat'/><bridge name='tb${host.tag}${octet % 10}'/>
  <ip address='10.${octet}.0.1' netmask='255.255.255.0'><dhcp><range start='10.${octet}.0.10' end='10.${octet}.0.99'/></dhcp></ip>${extra}</network>`;
}

const nftTables = (host: TestHost): string => inNs(host.ns, 'nft', 'list', 'tables');
const links = (host: TestHost): string => inNs(host.ns, 'ip', '-o', 'link');

describe('network lifecycle in a namespace', () => {
  let host: TestHost;
  beforeAll(() => {
    host = new TestHost();
  });
  afterAll(() => host.remove());

  it('defines, starts with bridge, addresses, firewall and dnsmasq, and stops leaving nothing', () => {
    const xml = natXML(host, 'n1', 71);
    const info = host.ok<{ uuid: string; bridge: string; active: boolean; persistent: boolean }>(`
      const net = await conn.networkDefineXML(${JSON.stringify(xml)});
      await net.create();
      return { uuid: net.getUUIDString(), bridge: await net.getBridgeName(), active: await net.isActive(), persistent: await net.isPersistent() };`);
    expect(info).toMatchObject({ bridge: `tb${host.tag}1`, active: true, persistent: true });
    expect(inNs(host.ns, 'ip', '-o', 'addr', 'show', info.bridge)).toContain('inet 10.71.0.1/24 brd 10.71.0.255');
    expect(nftTables(host)).toContain(`tsvirt_net_${info.uuid.replace(/-/g, '')}`);
    expect(host.rootProcesses()).toHaveLength(1);
    const conf = readFileSync(`${host.root}/lib/network/dnsmasq/n1.conf`, 'utf8');
    expect(conf).toContain(`pid-file=${host.root}/run/network/n1.pid\nexcept-interface=lo\nbind-dynamic\ninterface=${info.bridge}\n`);

    host.ok(`await (await conn.networkLookupByName('n1')).destroy();`);
    expect(links(host)).not.toContain(info.bridge);
    expect(nftTables(host)).not.toContain('tsvirt_net_');
    expect(host.rootProcesses()).toHaveLength(0);
    expect(existsSync(`${host.root}/run/network/n1.json`)).toBe(false);
    expect(existsSync(`${host.root}/lib/network/dnsmasq/n1.conf`)).toBe(false);
    host.ok(`await (await conn.networkLookupByName('n1')).undefine();`);
    expect(host.ok<string[]>(`return (await conn.listAllNetworks()).map((n) => n.getName());`)).toEqual([]);
  });

  it('a new process finds a running network, restarts a dead dnsmasq and notices a vanished bridge', () => {
    host.ok(`await conn.networkCreateXML(${JSON.stringify(natXML(host, 'n2', 72))});`);
    const first = host.status('n2').dnsmasq!.pid;
    process.kill(first, 'SIGKILL');
    expect(host.ok<boolean>(`return (await conn.networkLookupByName('n2')).isActive();`)).toBe(true);
    const second = host.status('n2').dnsmasq!.pid;
    expect(second).not.toBe(first);
    expect(host.rootProcesses()).toEqual([second]);

    inNs(host.ns, 'ip', 'link', 'del', `tb${host.tag}2`);
    expect(host.ok<string[]>(`return (await conn.listAllNetworks()).map((n) => n.getName());`)).toEqual([]);
    expect(host.rootProcesses()).toHaveLength(0);
    expect(nftTables(host)).not.toContain('tsvirt_net_');
  });

  it('starts autostart networks on the first open after a reboot (the boot id changed)', () => {
    host.ok(`const net = await conn.networkDefineXML(${JSON.stringify(natXML(host, 'n3', 73))}); await net.setAutostart(true);`);
    expect(host.ok<boolean>(`return (await conn.networkLookupByName('n3')).isActive();`)).toBe(false);
    writeFileSync(`${host.root}/run/network/boot-id`, 'an-earlier-boot\n');
    expect(host.ok<boolean>(`return (await conn.networkLookupByName('n3')).isActive();`)).toBe(true);
    expect(links(host)).toContain(`tb${host.tag}3`);
    host.ok(`const net = await conn.networkLookupByName('n3'); await net.destroy(); await net.undefine();`);
    expect(links(host)).not.toContain(`tb${host.tag}3`);
  });

  it('keeps the running definition when the config changes, and shows the new one with --inactive', () => {
    host.ok(`await (await conn.networkDefineXML(${JSON.stringify(natXML(host, 'n4', 74))})).create();`);
    host.ok(`await conn.networkDefineXML(${JSON.stringify(natXML(host, 'n4', 74, "<domain name='example.org'/>"))});`);
    const [live, inactive] = host.ok<string[]>(`const n = await conn.networkLookupByName('n4'); return [await n.getXMLDesc(), await n.getXMLDesc(1)];`);
    expect(live).not.toContain('example.org');
    expect(inactive).toContain("<domain name='example.org'/>");
    host.ok(`const n = await conn.networkLookupByName('n4'); await n.undefine(); await n.destroy();`);
    expect(host.ok<string[]>(`return (await conn.listAllNetworks()).map((n) => n.getName());`)).toEqual([]);
  });

  it('refuses a session start without CAP_NET_ADMIN with a clear error, leaving nothing', () => {
    const home = mkdtempSync(join(tmpdir(), 'tsvirt-net-session-'));
    chmodSync(home, 0o777);
    try {
      const env = [`XDG_CONFIG_HOME=${home}/config`, `XDG_RUNTIME_DIR=${home}/run`, `XDG_CACHE_HOME=${home}/cache`];
      const out = sh('ip', ['netns', 'exec', host.ns, 'setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--inh-caps=-all',
        'env', ...env, process.execPath, RUNNER, 'qemu:///session'],
      `const net = await conn.networkDefineXML(${JSON.stringify(natXML(host, 'n5', 75))}); await net.create();`);
      expect(JSON.parse(out)).toEqual({ error: {
        code: 29, domain: 19,
        message: `operation forbidden: cannot start network 'n5': making bridge 'tb${host.tag}5' needs CAP_NET_ADMIN, which this unprivileged process lacks`,
      } });
      expect(links(host)).not.toContain(`tb${host.tag}5`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
