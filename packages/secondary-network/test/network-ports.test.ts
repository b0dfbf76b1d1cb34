import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHost } from './netns.js';

const PORT = (uuid: string, mac: string): string => `<networkport><uuid>${uuid}</uuid>
  <owner><name>guest1</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid></owner><mac address='${mac}'/></networkport>`;
const U1 = '5d7c6e9e-6a5b-4a42-9b0e-1c9b3a5d2e01';
const U2 = '5d7c6e9e-6a5b-4a42-9b0e-1c9b3a5d2e02';

describe('network ports', () => {
  let host: TestHost;
  beforeAll(() => {
    host = new TestHost();
    host.ok(`await (await conn.networkDefineXML(${JSON.stringify(`<network><name>p</name><forward mode='nat'/><bridge name='pb${host.tag}'/>
      <ip address='192.168.93.1' netmask='255.255.255.0'/></network>`)})).create();`);
  });
  afterAll(() => host.remove());

  it('creates ports plugged into the bridge, each process seeing them, and deletes them', () => {
    host.ok(`const n = await conn.networkLookupByName('p'); await n.portCreateXML(${JSON.stringify(PORT(U1, '52:54:00:AA:00:01'))});
      await n.portCreateXML(${JSON.stringify(PORT(U2, '52:54:00:aa:00:02'))});`);
    expect(host.ok<string[]>(`return (await (await conn.networkLookupByName('p')).listAllPorts()).map((p) => p.getUUIDString());`)).toEqual([U1, U2]);
    expect(host.ok<string>(`return (await (await conn.networkLookupByName('p')).portLookupByUUIDString('${U1}')).getXMLDesc();`)).toBe(
      `<networkport>\n  <uuid>${U1}</uuid>\n  <owner>\n    <name>guest1</name>\n    <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\n  </owner>\n` +
      `  <mac address='52:54:00:aa:00:01'/>\n  <plug type='network' bridge='pb${host.tag}'/>\n</networkport>\n`);
    host.ok(`await (await (await conn.networkLookupByName('p')).portLookupByUUIDString('${U1}')).delete();`);
    expect(host.ok<string[]>(`return (await (await conn.networkLookupByName('p')).listAllPorts()).map((p) => p.getUUIDString());`)).toEqual([U2]);
  });

  it('refuses a UUID in use, an unknown port, and ports on a stopped network; stopping drops the ports', () => {
    expect(host.api(`await (await conn.networkLookupByName('p')).portCreateXML(${JSON.stringify(PORT(U2, '52:54:00:aa:00:03'))});`))
      .toEqual({ error: { code: 106, domain: 19, message: `network port Network port with UUID ${U2} already exists exists already` } });
    expect(host.api(`await (await conn.networkLookupByName('p')).portLookupByUUIDString('${U1}');`))
      .toEqual({ error: { code: 107, domain: 19, message: `network port not found: Network port with UUID ${U1} does not exist` } });
    host.ok(`await (await conn.networkLookupByName('p')).destroy();`);
    expect(existsSync(`${host.root}/run/network/ports/p`)).toBe(false);
    expect(host.api(`await (await conn.networkLookupByName('p')).portCreateXML(${JSON.stringify(PORT(U1, '52:54:00:aa:00:01'))});`))
      .toEqual({ error: { code: 55, domain: 19, message: "Requested operation is not valid: network 'p' is not active" } });
  });
});
