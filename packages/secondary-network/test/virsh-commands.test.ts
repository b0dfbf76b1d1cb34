import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useOraclePair } from './private-libvirtd.js';

const TSVIRSH = join(import.meta.dirname, '../../../tsvirsh');

/** The same virsh commands, one process each, through tsvirsh on an embed root and virsh 9.0 on libvirtd 9.0. */
function scriptFor(dir: string, br: string): string[][] {
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const net = file('n.xml', `<network><name>t1</name><uuid>6bb578d1-30e9-44c4-968a-5281fd1e1a09</uuid><forward mode='nat'/>
    <bridge name='${br}'/><mac address='52:54:00:12:00:01'/><ip address='192.168.92.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.92.2' end='192.168.92.254'/></dhcp></ip></network>`);
  const reversed = file('bad.xml', `<network><name>t2</name><ip address='192.168.91.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.91.20' end='192.168.91.2'/></dhcp></ip></network>`);
  const port = file('p.xml', `<networkport><uuid>e869e6b0-a9d1-43c4-a482-eefbb798e555</uuid><owner><name>g</name>
    <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid></owner><mac address='52:54:00:00:00:01'/></networkport>`);
  return [
    ['net-define', net], ['net-list', '--all'], ['net-info', 't1'], ['net-start', 't1'], ['net-info', 't1'],
    ['net-uuid', 't1'], ['net-name', '6bb578d1-30e9-44c4-968a-5281fd1e1a09'], ['net-autostart', 't1'], ['net-list', '--autostart'],
    ['net-update', 't1', 'add', 'ip-dhcp-host', "<host mac='52:54:00:00:00:09' ip='192.168.92.9'/>", '--live', '--config'],
    ['net-dumpxml', 't1'], ['net-dumpxml', '--inactive', 't1'], ['net-dhcp-leases', 't1'],
    ['net-port-create', 't1', port], ['net-port-list', 't1'], ['net-port-dumpxml', 't1', 'e869e6b0-a9d1-43c4-a482-eefbb798e555'],
    ['net-port-delete', 't1', 'e869e6b0-a9d1-43c4-a482-eefbb798e555'], ['net-port-list', 't1'],
    ['net-start', 't1'], ['net-create', reversed], ['net-start', 'nope'],
    ['net-destroy', 't1'], ['net-destroy', 't1'], ['net-autostart', '--disable', 't1'], ['net-undefine', 't1'], ['net-list', '--all'],
  ];
}

describe('tsvirsh net-* on qemu:///embed print what virsh 9.0 prints on libvirtd', () => {
  const pair = useOraclePair();

  it('every command, output and exit code', () => {
    const { ours, theirs, libvirtd } = pair;
    const run = (ns: string, cli: string, uri: string, args: string[]): string => {
      const r = spawnSync('ip', ['netns', 'exec', ns, cli, '-c', uri, ...args], { encoding: 'utf8' });
      return `$ ${args.join(' ')}\n${r.stdout}${r.stderr}[${r.status}]`;
    };
    const br = `vb${ours.tag}`;
    const steps = scriptFor(ours.root, br);
    const got = steps.map((s) => run(ours.ns, TSVIRSH, ours.uri, s).replaceAll(ours.root, 'DIR'));
    const want = steps.map((s) => run(theirs.ns, 'virsh', libvirtd.uri, s).replaceAll(ours.root, 'DIR'));
    expect(got).toEqual(want);
  }, 300_000); // 52 processes, one at a time: minutes on a loaded 2-core machine
});
