import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkSetup, parseNetworkXML } from '@tsvirt/conf';
import { dnsmasqConfig } from '../src/dnsmasq-conf.js';

const DATA = join(import.meta.dirname, '../../../../shared/libvirt-tests/network-dnsmasq');
const cases = readdirSync(DATA).filter((f) => f.endsWith('.xml')).map((f) => f.slice(0, -4)).sort();

/** libvirt 9.0's networkxml2conftest: the config and hosts file written for each network, byte for byte. */
describe('dnsmasq config as libvirt 9.0 writes it', () => {
  it('reads all 68 files of the corpus', () => {
    expect(readdirSync(DATA)).toHaveLength(68);
    expect(cases).toHaveLength(27);
  });

  it.each(cases)('%s', (name) => {
    const def = networkSetup(parseNetworkXML(readFileSync(join(DATA, `${name}.xml`), 'utf8')));
    const out = dnsmasqConfig(def, { dir: '/var/lib/libvirt/dnsmasq' });
    expect(out.conf).toBe(readFileSync(join(DATA, `${name}.conf`), 'utf8'));
    const hosts = join(DATA, `${name}.hostsfile`);
    const text = out.hostsLines.map((l) => `${l}\n`).join('');
    expect(text).toBe(existsSync(hosts) ? readFileSync(hosts, 'utf8') : '');
  });
});
