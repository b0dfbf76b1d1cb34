import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHost, inNs } from './netns.js';

const net = (name: string, body: string, bridge?: string): string =>
  `<network><name>${name}</name><forward mode='nat'/>${bridge ? `<bridge name='${bridge}'/>` : ''}${body}</network>`;
const ip = (prefix: string, dhcp = ''): string => `<ip address='${prefix}.1' netmask='255.255.255.0'>${dhcp ? `<dhcp>${dhcp}</dhcp>` : ''}</ip>`;

/** What virsh 9.0's test driver (the same network conf code as libvirtd) says of a definition. */
function libvirtSays(dir: string, xml: string): string {
  const file = join(dir, 'oracle.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('virsh', ['-c', 'test:///default', 'net-define', file], { encoding: 'utf8', stdio: 'pipe' });
    return 'accepted';
  } catch (e) {
    return ((e as { stderr: string }).stderr.split('\n')[1] ?? '').replace(/^error: /, '');
  }
}

describe('bad input: libvirt\'s code and words, nothing created', () => {
  let host: TestHost;
  beforeAll(() => {
    host = new TestHost();
  });
  afterAll(() => host.remove());

  /** The error a call gives, as virsh prints its message. */
  const errorOf = (body: string): { code: number; message: string } => {
    const a = host.api(body);
    if (!('error' in a)) throw new Error('the call succeeded');
    return { code: a.error.code, message: a.error.message };
  };
  const leftovers = (): Record<string, string[]> => ({
    config: readdirSync(`${host.root}/etc/network`).filter((f) => f.endsWith('.xml')),
    status: readdirSync(`${host.root}/run/network`).filter((f) => f.endsWith('.json')),
    links: inNs(host.ns, 'ip', '-o', 'link').split('\n').filter((l) => l.includes(`b${host.tag}`)).map((l) => l.split(':')[1]!.trim()),
    tables: inNs(host.ns, 'nft', 'list', 'tables').split('\n').filter((l) => l.includes('tsvirt_net_')),
  });

  it('parse-time refusals match libvirt word for word, and define nothing', () => {
    host.ok(`await conn.networkDefineXML(${JSON.stringify(net('base', ip('10.80.0'), `ab${host.tag}`))});`);
    const bad = [
      net('r1', ip('10.80.1', "<range start='10.80.1.90' end='10.80.1.10'/>")),
      net('r2', ip('10.80.2', "<range start='10.80.9.2' end='10.80.9.10'/>")),
      net('r3', ip('10.80.3', "<range start='10.80.3.0' end='10.80.3.10'/>")),
      net('r4', ip('10.80.4', "<range start='10.80.4.2' end='10.80.4.255'/>")),
      net('m1', ip('10.80.5', "<host mac='00:16:3e:zz:e2:ed' ip='10.80.5.10'/>")),
      net('m2', ip('10.80.6', "<host mac='01:16:3e:77:e2:ed' ip='10.80.6.10'/>")),
      net('m3', `<mac address='12:34'/>${ip('10.80.7')}`),
      net('m4', `<mac address='03:34:56:78:9a:bc'/>${ip('10.80.7')}`),
      net('a/b', ip('10.80.8')),
    ];
    for (const xml of bad) {
      const err = errorOf(`await conn.networkDefineXML(${JSON.stringify(xml)});`);
      expect(err.message).toBe(libvirtSays(host.root, xml));
    }
    expect(leftovers().config).toEqual(['base.xml']);
  });

  it('a bridge name another network claims is refused at define', () => {
    const err = errorOf(`await conn.networkDefineXML(${JSON.stringify(net('same', ip('10.80.9'), `ab${host.tag}`))});`);
    expect(err).toEqual({ code: 1, message: `internal error: bridge name 'ab${host.tag}' already in use.` });
  });

  it('a subnet overlapping an active network or a host route, or a bridge name the host has, is refused at start leaving nothing', () => {
    host.ok(`await (await conn.networkLookupByName('base')).create();`);
    const before = leftovers();
    expect(errorOf(`await conn.networkCreateXML(${JSON.stringify(net('over', "<ip address='10.80.0.129' netmask='255.255.255.128'/>", `ob${host.tag}`))});`))
      .toEqual({ code: 1, message: `internal error: Network is already in use by interface ab${host.tag}` });
    inNs(host.ns, 'ip', 'link', 'add', `db${host.tag}`, 'type', 'bridge');
    inNs(host.ns, 'ip', 'addr', 'add', '10.79.0.1/16', 'dev', `db${host.tag}`);
    inNs(host.ns, 'ip', 'link', 'set', `db${host.tag}`, 'up');
    expect(errorOf(`await conn.networkCreateXML(${JSON.stringify(net('route', ip('10.79.5'), `ob${host.tag}`))});`))
      .toEqual({ code: 1, message: `internal error: Network is already in use by interface db${host.tag}` });
    expect(errorOf(`await conn.networkCreateXML(${JSON.stringify(net('hostbr', ip('10.78.0'), `db${host.tag}`))});`))
      .toEqual({ code: 38, message: `error creating bridge interface db${host.tag}: File exists` });
    inNs(host.ns, 'ip', 'link', 'del', `db${host.tag}`);
    expect(leftovers()).toEqual(before);
  });

  it('a failure half-way (dnsmasq refuses its config) rolls back the bridge, the firewall and the files', () => {
    const before = leftovers();
    const xml = `<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'><name>half</name><forward mode='nat'/>
      <bridge name='hb${host.tag}'/>${ip('10.77.0', "<range start='10.77.0.2' end='10.77.0.9'/>")}
      <dnsmasq:options><dnsmasq:option value='no-such-option=1'/></dnsmasq:options></network>`;
    const err = errorOf(`await conn.networkCreateXML(${JSON.stringify(xml)});`);
    expect(err.message).toMatch(/dnsmasq/);
    expect(leftovers()).toEqual(before);
    expect(readdirSync(`${host.root}/lib/network/dnsmasq`).filter((f) => f.startsWith('half.'))).toEqual([]);
    expect(host.rootProcesses()).toHaveLength(1);
  });
});
