import { closeSync, openSync, readFileSync, readlinkSync, readdirSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { DomainFDAssociateFlags } from '@tsvirt/api';
import { parseDomainXML } from '@tsvirt/conf';
import { describe, expect, it } from 'vitest';
import { buildCommandLine } from '../src/command/qemu-command.js';
import type { ResolvedDisk } from '../src/command/disk-props.js';
import type { DriverContext } from '../src/driver/driver-context.js';
import { resolveDisksForStart } from '../src/driver/resolve-disks.js';
import { FdGroupStore } from '../src/fdgroup/fd-group-store.js';
import { assignFdSets } from '../src/fdgroup/fd-sets.js';
import { GUEST_ARCH } from '../src/state/qemu-store.js';
import { qemuMissing } from './qemu-run.js';
import { domainXml, useTestRoot } from './helpers.js';

const { SECLABEL_RESTORE, SECLABEL_WRITABLE } = DomainFDAssociateFlags;
const UUID = '9630605b-6d3f-4c21-82bd-283c9949bc59';

/** Where a descriptor of this process points. */
const target = (fd: number): string => readlinkSync(`/proc/self/fd/${fd}`);
/** open(2)'s access mode of a descriptor of this process. */
const accessMode = (fd: number): number => Number.parseInt(/^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1]!, 8) & 3;

describe('the descriptor group store (virDomainFDAssociate)', () => {
  const state = useTestRoot();
  const file = (name: string): string => {
    const p = join(state.root.dir, name);
    writeFileSync(p, 'x');
    return p;
  };

  it('keeps copies of the caller\'s descriptors: the same file, the same access mode, its own life', () => {
    const store = new FdGroupStore();
    const owner = {};
    const [a, b] = [file('a.img'), file('b.img')];
    const fds = [openSync(a, 'r'), openSync(b, 'r+')];
    store.associate(UUID, 'g', fds, SECLABEL_WRITABLE | SECLABEL_RESTORE, owner);
    for (const fd of fds) closeSync(fd);
    const g = store.lookup(UUID, 'g')!;
    expect(g.fds.map(target)).toEqual([a, b]);
    expect(g.fds.map(accessMode)).toEqual([0, 2]);
    expect([g.writable, g.restoreLabel]).toEqual([true, true]);
    // a read-only copy stays read-only
    expect(() => writeSync(g.fds[0]!, 'y')).toThrow(/EBADF/);
    // unlinked after the association: still reachable through the copy
    unlinkSync(b);
    writeSync(g.fds[1]!, 'through the copy');
    store.release(owner);
    expect(store.lookup(UUID, 'g')).toBeUndefined();
    expect(() => target(g.fds[0]!)).toThrow();
  });

  it('a name associated again replaces its group (the old copies closed); each connection\'s groups go with it alone', () => {
    const store = new FdGroupStore();
    const [one, two] = [{}, {}];
    const fd = openSync(file('c.img'), 'r');
    try {
      store.associate(UUID, 'g', [fd], 0, one);
      const old = store.lookup(UUID, 'g')!.fds[0]!;
      store.associate(UUID, 'g', [fd, fd], 0, one);
      expect(() => target(old)).toThrow();
      expect(store.lookup(UUID, 'g')!.fds).toHaveLength(2);
      store.associate(UUID, 'h', [fd], 0, two);
      store.release(one);
      expect([store.lookup(UUID, 'g'), store.lookup(UUID, 'h')?.fds.length]).toEqual([undefined, 1]);
      // a domain gone (undefined, or transient and stopped) takes its groups along
      const kept = store.lookup(UUID, 'h')!.fds[0]!;
      store.forget(UUID);
      expect(store.lookup(UUID, 'h')).toBeUndefined();
      expect(() => target(kept)).toThrow();
    } finally {
      closeSync(fd);
    }
  });

  it('a descriptor that cannot be copied (a socket) fails with libvirt\'s words naming its index; nothing is kept', async () => {
    const store = new FdGroupStore();
    const sock = join(state.root.dir, 's.sock');
    const server: Server = await new Promise((r) => {
      const s = createServer().listen(sock, () => r(s));
    });
    const { connect } = await import('node:net');
    const client = connect(sock);
    await new Promise((r) => client.once('connect', r));
    const fd = (client as unknown as { _handle: { fd: number } })._handle.fd;
    const before = readdirSync('/proc/self/fd').length;
    const plain = openSync(file('d.img'), 'r');
    try {
      expect(() => store.associate(UUID, 'g', [plain, fd], 0, {})).toThrow(/^failed to duplicate passed fd with index '1': /);
      expect(readdirSync('/proc/self/fd').length).toBe(before + 1);
      expect(store.lookup(UUID, 'g')).toBeUndefined();
    } finally {
      closeSync(plain);
      client.destroy();
      server.close();
    }
  });
});

/** The disks of a definition resolved as at start, their fd sets given from `store`. */
async function startDisks(xml: string, store: FdGroupStore): Promise<{ args: string[]; passFds: number[] }> {
  const def = parseDomainXML(xml, { arch: GUEST_ARCH });
  const resolved = await resolveDisksForStart({} as DriverContext, def.devices, def.os.boot);
  const { disks, passFds } = assignFdSets(store, def.uuid, resolved);
  const args = buildCommandLine(def, {
    accel: 'tcg', monitorPath: '/run/m.sock', masterKeyFile: '/run/k', disks: disks as ResolvedDisk[],
    hugepages: { defaultHugepageKiB: 2048, runName: 'x', hugepageDir: () => undefined },
  });
  return { args, passFds };
}

/** The -add-fd and -blockdev arguments, as libvirt's .args files show them. */
const blockArgs = (args: readonly string[]): string[] => args.flatMap((a, i) => (args[i - 1] === '-add-fd' || args[i - 1] === '-blockdev' ? [`${args[i - 1]} ${a}`] : []));

describe('disks with <source fdgroup> on the command line', () => {
  const state = useTestRoot();
  const disk = (target: string, group: string | undefined, type: string, extra = ''): string =>
    `<disk type='file' device='disk'><driver name='qemu' type='${type}'/><source file='/nowhere/${target}.img'${group ? ` fdgroup='${group}'` : ''}/><target dev='${target}' bus='virtio'/>${extra}</disk>`;
  const xml = `<domain type='qemu'><name>fdc</name><uuid>${UUID}</uuid><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
    ${disk('vda', 'gq', 'qcow2')}${disk('vdb', 'gro', 'raw', '<readonly/>')}${disk('vdc', undefined, 'raw')}${disk('vdd', 'g1', 'raw')}</devices></domain>`;

  it('as libvirtd 9.0 gives them: fd sets in block node order, -add-fd before each -blockdev, read-only/auto-read-only by the count, backing cut off', async () => {
    const store = new FdGroupStore();
    const f = openSync(join(state.root.dir, 'img'), 'w+');
    try {
      store.associate(UUID, 'gq', [f, f], SECLABEL_WRITABLE, {});
      store.associate(UUID, 'gro', [f], SECLABEL_RESTORE, {});
      store.associate(UUID, 'g1', [f], 0, {});
      const { args, passFds } = await startDisks(xml, store);
      // recorded from libvirtd 9.0 (qemu:///system, the same definition with vdc on a real file; its fd numbers are its own)
      expect(blockArgs(args)).toEqual([
        '-add-fd set=2,fd=5,opaque=libvirt-4-storage0',
        '-add-fd set=2,fd=6,opaque=libvirt-4-storage1',
        '-blockdev {"driver":"file","filename":"/dev/fdset/2","node-name":"libvirt-4-storage","auto-read-only":true,"discard":"unmap"}',
        '-blockdev {"node-name":"libvirt-4-format","read-only":false,"driver":"qcow2","file":"libvirt-4-storage","backing":null}',
        '-add-fd set=1,fd=4,opaque=libvirt-3-storage0',
        '-blockdev {"driver":"file","filename":"/dev/fdset/1","node-name":"libvirt-3-storage","read-only":true,"discard":"unmap"}',
        '-blockdev {"node-name":"libvirt-3-format","read-only":true,"driver":"raw","file":"libvirt-3-storage"}',
        '-blockdev {"driver":"file","filename":"/nowhere/vdc.img","node-name":"libvirt-2-storage","auto-read-only":true,"discard":"unmap"}',
        '-blockdev {"node-name":"libvirt-2-format","read-only":false,"driver":"raw","file":"libvirt-2-storage"}',
        '-add-fd set=0,fd=3,opaque=libvirt-1-storage0',
        '-blockdev {"driver":"file","filename":"/dev/fdset/0","node-name":"libvirt-1-storage","read-only":false,"discard":"unmap"}',
        '-blockdev {"node-name":"libvirt-1-format","read-only":false,"driver":"raw","file":"libvirt-1-storage"}',
      ]);
      // QEMU inherits them as fd 3, 4, ...: the group g1's, then gro's, then gq's two
      const g = (n: string) => store.lookup(UUID, n)!.fds;
      expect(passFds).toEqual([...g('g1'), ...g('gro'), ...g('gq')]);
    } finally {
      closeSync(f);
    }
  });

  it('a group not associated: libvirt\'s INVALID_ARG naming it, the first in block node order', async () => {
    await expect(startDisks(xml, new FdGroupStore())).rejects.toMatchObject({
      code: 8, domain: 10, message: "invalid argument: file descriptor group 'g1' was not associated with the domain",
    });
  });
});

describe.skipIf(qemuMissing())('a domain started through its descriptor group (real QEMU, qemu:///embed)', () => {
  const state = useTestRoot();
  it('QEMU opens the image through the descriptors (the path names no file); the group goes when the connection closes', async () => {
    const { root, conn } = state;
    const image = join(root.dir, 'data.img');
    writeFileSync(image, Buffer.alloc(1 << 20));
    const xml = domainXml('fdq', `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${root.dir}/gone.img' fdgroup='g'/><target dev='vda' bus='virtio'/><readonly/></disk>`);
    const dom = await conn.defineXML(xml);
    await expect(dom.create()).rejects.toThrow("file descriptor group 'g' was not associated with the domain");
    await expect(dom.fdAssociate('g', [])).rejects.toThrow('nfds in virDomainFDAssociate must not be zero');
    await expect(dom.fdAssociate('g', [0], 4)).rejects.toThrow('unsupported flags (0x4) in function qemuDomainFDAssociate');
    const fd = openSync(image, 'r');
    await dom.fdAssociate('g', [fd]);
    closeSync(fd);
    await dom.create();
    const blocks = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-block"}')) as { return: Array<{ inserted?: { file: string; ro: boolean } }> };
    expect(blocks.return.map((b) => b.inserted && [b.inserted.file, b.inserted.ro])).toContainEqual(['/dev/fdset/0', true]);
    await dom.destroy();
    // restarted on the same group: each QEMU gets open files of its own (its image locks end with it)
    await dom.create();
    await dom.destroy();
    const other = await root.open();
    await (await other.lookupByName('fdq')).create().then(() => dom.destroy());
    await conn.close();
    await expect((await other.lookupByName('fdq')).create()).rejects.toThrow("file descriptor group 'g' was not associated with the domain");
  });
});
