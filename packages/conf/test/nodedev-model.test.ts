import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNodeDeviceXML, newNodeDevice, nodeDeviceFields, parseNodeDeviceXML, withNodeDeviceFields } from '../src/index.js';
import { CORPUS } from './corpus.js';

const TESTDEV = readFileSync(join(CORPUS, 'test-driver/testdev.xml'), 'utf8');

describe('node device model', () => {
  it("reads libvirt's test device and writes it again from its fields alone, byte for byte", () => {
    const { xml, ...fields } = nodeDeviceFields(parseNodeDeviceXML(TESTDEV));
    expect(xml).toBeDefined();
    expect(fields.capabilities?.[0]?.hardware?.serial).toBe('123456');
    const made = newNodeDevice(fields);
    expect(formatNodeDeviceXML(made)).toBe(TESTDEV);
    expect(made).toMatchObject({ name: 'File_test_device', caps: ['system'] });
    expect(made.parent).toBeUndefined();
  });

  it('makes a Fibre Channel SCSI host in libvirt\'s order and edits its WWNs over its element', () => {
    const host = newNodeDevice({
      name: 'scsi_host1', parent: { name: 'computer' },
      capabilities: [{ type: 'scsi_host', host: '1', uniqueId: '0', capabilities: [
        { type: 'fc_host', wwnn: '2000000012341234', wwpn: '1000000012341234', fabricWwn: '2000000043214321' },
        { type: 'vport_ops', maxVports: '0', vports: '0' },
      ] }],
    });
    expect(host).toMatchObject({ name: 'scsi_host1', parent: 'computer', caps: ['scsi_host'] });
    const text = formatNodeDeviceXML(host);
    expect(text).toBe(`<device>
  <name>scsi_host1</name>
  <parent>computer</parent>
  <capability type='scsi_host'>
    <host>1</host>
    <unique_id>0</unique_id>
    <capability type='fc_host'>
      <wwnn>2000000012341234</wwnn>
      <wwpn>1000000012341234</wwpn>
      <fabric_wwn>2000000043214321</fabric_wwn>
    </capability>
    <capability type='vport_ops'>
      <max_vports>0</max_vports>
      <vports>0</vports>
    </capability>
  </capability>
</device>
`);
    const fields = nodeDeviceFields(host);
    const [scsi] = fields.capabilities!;
    const renamed = withNodeDeviceFields(host, { ...fields, name: 'scsi_host12', capabilities: [{
      ...scsi, capabilities: scsi!.capabilities!.map((c) => (c.type === 'fc_host' ? { ...c, wwnn: '1', wwpn: '2' } : c)),
    }] });
    expect(renamed.name).toBe('scsi_host12');
    expect(formatNodeDeviceXML(renamed)).toBe(text.replace('scsi_host1<', 'scsi_host12<').replace('2000000012341234', '1').replace('1000000012341234', '2'));
    expect(formatNodeDeviceXML(host)).toBe(text);
  });
});
