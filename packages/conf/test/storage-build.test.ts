import { describe, expect, it } from 'vitest';
import {
  formatPoolSourcesXML, formatStoragePoolXML, formatStorageVolXML, newStorageVolDef, parseStoragePoolXML, parseStorageVolXML, poolMountOptions,
  poolPart, volumePart, withPoolPart, withVolumePart,
} from '../src/index.js';
import { read } from './corpus.js';

const pool = parseStoragePoolXML(read('storage-pool/in', 'pool-dir.xml'));
const netfs = (ns: string, body: string): string =>
  `<pool type='netfs' ${ns}><name>n</name><source><host name='h'/><dir path='/x'/><format type='nfs'/></source><target><path>/mnt</path></target>${body}</pool>`;
const FS = 'http://libvirt.org/schemas/storagepool/fs/1.0';

describe('what a storage driver builds through conf', () => {
  it('a found volume: fields, then target and backing store parts, printed in libvirt\'s order', () => {
    let def = newStorageVolDef({ type: 'file', name: 'a.qcow2', key: '/p/a.qcow2', capacity: 1048576n, allocation: 4096n, physical: 0n });
    const stamps = { atime: '1.5', mtime: '2', ctime: '3', btime: '0' };
    def = withVolumePart(def, 'target', {
      path: '/p/a.qcow2', format: 'qcow2', clusterSize: 65536, encryptionFormat: 'luks', encryptionSecret: { type: 'passphrase', uuid: 'u' },
      permissions: { mode: '0600', owner: '0', group: '0' }, timestamps: stamps,
    });
    def = withVolumePart(def, 'backingStore', { path: '/p/b', format: 'raw', timestamps: stamps });
    expect(def.format).toBe('qcow2');
    const ts = (i: string): string => `${i}<timestamps>\n${i}  <atime>1.5</atime>\n${i}  <mtime>2</mtime>\n${i}  <ctime>3</ctime>\n${i}  <btime>0</btime>\n${i}</timestamps>\n`;
    // A physical size of 0 is not printed, as libvirt prints it only when known.
    expect(formatStorageVolXML(def)).toBe(`<volume type='file'>
  <name>a.qcow2</name>
  <key>/p/a.qcow2</key>
  <capacity unit='bytes'>1048576</capacity>
  <allocation unit='bytes'>4096</allocation>
  <target>
    <path>/p/a.qcow2</path>
    <format type='qcow2'/>
    <permissions>
      <mode>0600</mode>
      <owner>0</owner>
      <group>0</group>
    </permissions>
${ts('    ')}    <encryption format='luks'>
      <secret type='passphrase' uuid='u'/>
    </encryption>
    <clusterSize unit='B'>65536</clusterSize>
  </target>
  <backingStore>
    <path>/p/b</path>
    <format type='raw'/>
${ts('    ')}  </backingStore>
</volume>
`);
    const luksOnly = withVolumePart(newStorageVolDef({ type: 'file', name: 'e', capacity: 1n, allocation: 1n, physical: 2n }), 'target', { path: '/e', encryptionFormat: 'luks' });
    expect(formatStorageVolXML(luksOnly)).toContain(`<physical unit='bytes'>2</physical>\n  <target>\n    <path>/e</path>\n    <encryption format='luks'>\n    </encryption>\n`);
  });

  it('a cluster size in any unit reads back in bytes, written with unit B', () => {
    const def = parseStorageVolXML("<volume><name>v</name><capacity>1</capacity><target><format type='qcow2'/><clusterSize unit='KiB'>128</clusterSize></target></volume>", pool);
    expect(volumePart(def, 'target')?.clusterSize).toBe(131072);
    expect(formatStorageVolXML(def)).toContain("<clusterSize unit='B'>131072</clusterSize>");
  });

  it('a clone\'s XML may leave out its capacity when the caller gives one', () => {
    const xml = '<volume><name>c</name></volume>';
    expect(() => parseStorageVolXML(xml, pool)).toThrow('missing capacity element');
    const def = parseStorageVolXML(xml, pool, { defaultCapacity: 42n });
    expect([def.capacity, def.allocation]).toEqual([42n, 42n]);
    expect(parseStorageVolXML("<volume><name>c</name><capacity unit='KiB'>1</capacity></volume>", pool, { defaultCapacity: 42n }).capacity).toBe(1024n);
  });

  it('mount options of the fs namespace, by its URI whatever the prefix', () => {
    const opts = "<fs:mount_opts><fs:option name='sync'/><fs:option name='lazytime'/></fs:mount_opts>";
    expect(poolMountOptions(parseStoragePoolXML(read('storage-pool/in', 'pool-netfs-ns-mountopts.xml')))).toEqual(['sync', 'lazytime']);
    expect(poolMountOptions(parseStoragePoolXML(netfs(`xmlns:m='${FS}'`, "<m:mount_opts><m:option name='ro'/></m:mount_opts>")))).toEqual(['ro']);
    expect(poolMountOptions(parseStoragePoolXML(netfs("xmlns:fs='http://example.org/other'", opts)))).toEqual([]);
    expect(poolMountOptions(parseStoragePoolXML(netfs('', `<fs:mount_opts xmlns:fs='${FS}'><fs:option name='noatime'/></fs:mount_opts>`)))).toEqual(['noatime']);
    expect(poolMountOptions(pool)).toEqual([]);
  });

  it('a scsi_host adapter by parent address: numbers in, libvirt\'s hex kept', () => {
    const def = parseStoragePoolXML(read('storage-pool/in', 'pool-scsi-type-scsi-host-stable.xml'));
    const adapter = poolPart(def, 'source')?.adapter;
    expect(adapter?.parentaddr).toMatchObject({ uniqueId: 5, address: { domain: 0, bus: 0, slot: 31, function: 2 } });
    const moved = withPoolPart(def, 'source', { ...poolPart(def, 'source'), adapter: { ...adapter, parentaddr: { ...adapter?.parentaddr, uniqueId: 6 } } });
    expect(formatStoragePoolXML(moved)).toContain("<parentaddr unique_id='6'>\n        <address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>");
  });

  it('the sources of a discovery, each as a pool source', () => {
    expect(formatPoolSourcesXML([{ hosts: [{ name: 'h', port: 2049 }], dir: '/x', format: 'nfs' }, { devices: [{ path: '/dev/sda' }], name: 'vg' }])).toBe(
      "<sources>\n  <source>\n    <host name='h' port='2049'/>\n    <dir path='/x'/>\n    <format type='nfs'/>\n  </source>\n" +
      "  <source>\n    <device path='/dev/sda'/>\n    <name>vg</name>\n  </source>\n</sources>\n");
    expect(formatPoolSourcesXML([])).toBe('<sources/>\n');
  });
});
