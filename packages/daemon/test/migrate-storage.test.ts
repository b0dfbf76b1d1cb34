import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, twoDaemons } from './helpers/two-daemons.js';

const ci = process.env['CI'] === 'true';
const missing = ['/usr/bin/qemu-system-x86_64', '/usr/bin/virsh', '/usr/bin/qemu-img', '/usr/bin/qemu-io'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping storage migration between two tsvirtd: ${missing.join(', ')} not installed`);
const TSVIRSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tsvirsh');

/**
 * Storage migration (`--copy-storage-all`) of real QEMU (TCG) between two tsvirtd, each serving
 * its own embed root with a dir pool where Prepare makes the missing image: Debian's virsh runs the
 * v3 phases across both daemons, tsvirsh's remote driver brings it back peer to peer.
 */
describe.skipIf(missing.length > 0 && !ci)('storage migration between two tsvirtd (real QEMU)', () => {
  const name = `ms${process.pid}`;
  const uuid = '7d2f4c1a-93b6-4e58-a0c7-51e2d9b8f364';
  const virsh = (uri: string, cmd: string) => runCli('/usr/bin/virsh', uri, cmd);
  const { daemons, uris } = twoDaemons((uri) => virsh(uri, `destroy ${name}`));

  it('virsh migrate --copy-storage-all --verbose A → B, then tsvirsh --p2p --copy-storage-all back; the images equal', () => {
    const [a, b] = uris as [string, string];
    const dirs = daemons.map((d) => join(d.dir, 'images'));
    const disks = dirs.map((d) => join(d, `${name}.qcow2`));
    const xml = (disk: string): string => `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='${disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`;
    const files = disks.map((disk, i) => {
      const f = join(daemons[i]!.dir, `${name}.xml`);
      writeFileSync(f, xml(disk));
      return f;
    });
    for (const [i, uri] of uris.entries()) {
      mkdirSync(dirs[i]!);
      expect(virsh(uri, `pool-create-as images dir --target ${dirs[i]}`)).toMatchObject({ status: 0 });
    }
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disks[0]!, '32M']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x6b 0 6M', disks[0]!]);
    expect(virsh(a, `create ${files[0]}`)).toMatchObject({ err: '', status: 0 });
    const there = virsh(a, `migrate --live --verbose --copy-storage-all --xml ${files[1]} ${name} ${b}`);
    expect(there).toMatchObject({ out: '\n', status: 0 });
    expect(there.err).toMatch(/^(\rMigration: \[ {0,2}\d{1,3} %\])*\rMigration: \[100 %\]$/);
    expect(virsh(b, `domstate --reason ${name}`).out).toBe('running (migrated)\n\n');
    expect(virsh(a, `domstate ${name}`).err).toContain(`failed to get domain '${name}'`);
    // the source's image is free now: removed, so the way back makes it again
    const original = `${disks[0]}.orig`;
    execFileSync('mv', [disks[0]!, original]);
    expect(virsh(a, 'pool-refresh images')).toMatchObject({ status: 0 });
    expect(runCli(TSVIRSH, b, `migrate --live --p2p --copy-storage-all --xml ${files[0]} ${name} ${a}`)).toEqual({ out: '\n', err: '', status: 0 });
    expect(virsh(a, `domstate --reason ${name}`).out).toBe('running (migrated)\n\n');
    expect(virsh(a, `destroy ${name}`)).toMatchObject({ status: 0 });
    for (const disk of disks) {
      expect(execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'qcow2', original, disk], { encoding: 'utf8' })).toContain('Images are identical');
    }
    rmSync(original);
  }, 600_000);
});
