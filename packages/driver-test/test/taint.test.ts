import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainMessageType, connect, type Connection } from '@tsvirt/api';
import { defaultConn, uniqueName } from './helpers.js';

const OS = "<os><type>hvm</type></os>";
const CDROM = "<disk type='block' device='cdrom'><source dev='/dev/sr0'/><target dev='hdc' bus='ide'/></disk>";
const RAWIO = "<disk type='block' device='lun' rawio='yes'><source dev='/dev/sda'/><target dev='sda' bus='scsi'/></disk>";
const SCRIPT = "<interface type='ethernet'><script path='/bin/true'/></interface>";
const DEPRECATED_CPU = '<cpu><model>Deprecated-Test</model></cpu>';
const DTB_OS = '<os><type>hvm</type><dtb>/x.dtb</dtb></os>';

const domain = (name: string, head: string, devices = '', tail = ''): string =>
  `<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>${name}</name>` +
  `<memory>8192</memory><vcpu>1</vcpu>${head}<devices>${devices}</devices>${tail}</domain>`;

const ALL = [
  'tainted: running with undesirable elevated privileges',
  'tainted: network configuration using opaque shell scripts',
  'tainted: use of host cdrom passthrough',
  'tainted: custom device tree blob used',
  'tainted: use of deprecated configuration settings',
  'deprecated configuration: CPU model Deprecated-Test',
];

/** Each domain of the config and its messages, as virsh 9.0's dominfo shows them on the same config. */
const CASES: ReadonlyArray<[name: string, xml: string, messages: string[]]> = [
  ['all', domain('all', DTB_OS + DEPRECATED_CPU, CDROM + RAWIO + SCRIPT), ALL],
  ['all-off', domain('all-off', DTB_OS + DEPRECATED_CPU, CDROM + RAWIO + SCRIPT, '<test:runstate>5</test:runstate>'), ALL],
  ['rawio-yes', domain('rawio-yes', OS, RAWIO), [ALL[0]!]],
  ['rawio-no', domain('rawio-no', OS, RAWIO.replace("'yes'", "'no'")), []],
  ['script', domain('script', OS, SCRIPT), [ALL[1]!]],
  ['script-nopath', domain('script-nopath', OS, "<interface type='ethernet'><script/></interface>"), []],
  ['noscript', domain('noscript', OS, "<interface type='ethernet'/>"), []],
  ['cdrom-block', domain('cdrom-block', OS, CDROM), [ALL[2]!]],
  ['cdrom-file', domain('cdrom-file', OS, "<disk type='file' device='cdrom'><source file='/x.iso'/><target dev='hdc' bus='ide'/></disk>"), []],
  ['disk-block', domain('disk-block', OS, "<disk type='block' device='disk'><source dev='/dev/sdb'/><target dev='vda' bus='virtio'/></disk>"), []],
  ['dtb', domain('dtb', DTB_OS), [ALL[3]!]],
  ['dtb-empty', domain('dtb-empty', '<os><type>hvm</type><dtb/></os>'), []],
  ['deprecated', domain('deprecated', OS + DEPRECATED_CPU), [ALL[4]!, ALL[5]!]],
];

const tmp = mkdtempSync(join(tmpdir(), 'tsvirt-taint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const config = join(tmp, 'node.xml');
writeFileSync(config, `<node>\n${CASES.map(([, xml]) => xml).join('\n')}\n</node>\n`);
const messagesOf = async (conn: Connection, name: string, flags = 0): Promise<string[]> => (await conn.lookupByName(name)).getMessages(flags);

describe('getMessages: the taints of libvirt\'s test driver', () => {
  it('records each taint reason and deprecation of a config\'s domains as it loads them, shut off too', async () => {
    const conn = await connect(`test://${config}`);
    for (const [name, , messages] of CASES) expect(await messagesOf(conn, name), name).toEqual(messages);
  });

  it('gives the taints or the deprecations alone by flag', async () => {
    const conn = await connect(`test://${config}`);
    expect(await messagesOf(conn, 'all', DomainMessageType.TAINTING)).toEqual(ALL.slice(0, 5));
    expect(await messagesOf(conn, 'all', DomainMessageType.DEPRECATION)).toEqual(ALL.slice(5));
    expect(await messagesOf(conn, 'all', DomainMessageType.TAINTING | DomainMessageType.DEPRECATION)).toEqual(ALL);
  });

  it('keeps them for the domain object\'s life: stopped, started, redefined; a new object has none', async () => {
    const conn = await connect(`test://${config}`);
    const dom = await conn.lookupByName('rawio-yes');
    await dom.destroy();
    expect(await dom.getMessages()).toEqual([ALL[0]]);
    await dom.create();
    expect(await dom.getMessages()).toEqual([ALL[0]]);
    const xml = await dom.getXMLDesc();
    await conn.defineXML(xml);
    expect(await dom.getMessages()).toEqual([ALL[0]]);
    // virsh 9.0: undefined and defined again from the same XML, started, dominfo shows no Messages.
    await dom.destroy();
    await dom.undefine();
    const again = await conn.defineXML(xml);
    await again.create();
    expect(await again.getMessages()).toEqual([]);
  });

  it('finds nothing in a domain defined or created through the API, as libvirt\'s test driver', async () => {
    const conn = await defaultConn();
    const defined = await conn.defineXML(domain(uniqueName('taint'), DTB_OS + DEPRECATED_CPU, CDROM + RAWIO + SCRIPT));
    await defined.create();
    const created = await conn.createXML(domain(uniqueName('taint'), DTB_OS + DEPRECATED_CPU, CDROM + RAWIO + SCRIPT));
    expect(await defined.getMessages()).toEqual([]);
    expect(await created.getMessages()).toEqual([]);
    await defined.destroy();
    await defined.undefine();
    await created.destroy();
  });
});
