import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCommandLine } from '../src/command/qemu-command.js';
import type { DriverContext } from '../src/driver/driver-context.js';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { resolveDisksForStart } from '../src/driver/resolve-disks.js';
import { libvirtTestCommandLine } from './conformance.js';
import { qemuMissing, qemuRuns } from './qemu-run.js';

const QEMU_NBD = '/usr/bin/qemu-nbd';
const { root, context, run } = qemuRuns('qc-netdisk');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A TCG domain with one network disk whose `<source>` is `source` (and `extra` beside it). */
const domain = (source: string, extra = ''): string => `<domain type='qemu'><name>nd</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>219136</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
  <disk type='network' device='disk'><driver name='qemu' type='raw'/>${extra}${source}<target dev='vda' bus='virtio'/></disk>
  <memballoon model='none'/></devices></domain>`;

/** The `-blockdev` protocol layer of the disk. */
async function storage(source: string, extra = ''): Promise<Record<string, unknown>> {
  const args = await libvirtTestCommandLine(parseQemuDomain(domain(source, extra), false));
  return JSON.parse(args[args.indexOf('-blockdev') + 1]!) as Record<string, unknown>;
}

const tail = { 'node-name': 'libvirt-1-storage', 'auto-read-only': true, discard: 'unmap' };

describe('network disks as -blockdev', () => {
  it('gives each protocol its own driver, with the default port where a host names none', async () => {
    expect(await storage(`<source protocol='nbd' name='e'><host name='h'/></source>`))
      .toEqual({ driver: 'nbd', server: { type: 'inet', host: 'h', port: '10809' }, export: 'e', ...tail });
    expect(await storage(`<source protocol='nbd'><host transport='unix' socket='/s'/></source>`))
      .toEqual({ driver: 'nbd', server: { type: 'unix', path: '/s' }, ...tail });
    expect(await storage(`<source protocol='gluster' name='vol/dir/img'><host name='g'/><host transport='unix' socket='/g'/></source>`)).toEqual({
      driver: 'gluster', volume: 'vol', path: 'dir/img', server: [{ type: 'inet', host: 'g', port: '24007' }, { type: 'unix', path: '/g' }], debug: 4, ...tail,
    });
    expect(await storage(`<source protocol='rbd' name='pool/img'><host name='m' port='1'/><host name='n'/></source>`))
      .toEqual({ driver: 'rbd', pool: 'pool', image: 'img', server: [{ host: 'm', port: '1' }, { host: 'n', port: '6789' }], ...tail });
    expect(await storage(`<source protocol='iscsi' name='iqn.x:t/3'><host name='::1'/><initiator><iqn name='iqn.i'/></initiator></source>`)).toEqual({
      driver: 'iscsi', portal: '[::1]:3260', target: 'iqn.x:t', lun: 3, transport: 'tcp', 'initiator-name': 'iqn.i', ...tail,
    });
    for (const [protocol, port] of [['http', 80], ['https', 443], ['ftp', 21], ['ftps', 990]] as const) {
      expect(await storage(`<source protocol='${protocol}' name='a/b.iso' query='x=1'><host name='w'/></source>`))
        .toEqual({ driver: protocol, url: `${protocol}://w:${port}/a/b.iso?x=1`, ...tail });
    }
    expect(await storage(`<source protocol='https' name='i'><host name='w' port='8'/><ssl verify='no'/><readahead size='64'/><timeout seconds='9'/></source>`))
      .toEqual({ driver: 'https', url: 'https://w:8/i', sslverify: false, timeout: 9, readahead: 64, ...tail });
  });

  it("refuses what needs secrets or objects it cannot make yet, and bad auth in libvirt's words", async () => {
    const auth = (type: string): string => `<auth username='u'><secret type='${type}' usage='x'/></auth>`;
    await expect(storage(`<source protocol='iscsi' name='t/1'><host name='h'/>${auth('ceph')}</source>`)).rejects.toThrow("invalid secret type 'ceph'");
    await expect(storage(`<source protocol='rbd' name='p/i'><host name='h'/>${auth('iscsi')}</source>`)).rejects.toThrow("invalid secret type 'iscsi'");
    await expect(storage(`<source protocol='rbd' name='p/i'><host name='h'/>${auth('ceph')}</source>`, auth('ceph'))).rejects.toThrow('an <auth> definition already found for disk source');
    await expect(storage(`<source protocol='rbd' name='p/i'><host name='h'/>${auth('ceph')}</source>`)).rejects.toThrow("authentication of a 'rbd' disk is not supported by this driver yet");
    await expect(storage(`<source protocol='nbd' tls='yes'><host name='h'/></source>`)).rejects.toThrow("TLS for a 'nbd' disk is not supported by this driver yet");
    await expect(storage(`<source protocol='http' name='i'><host name='h'/><cookies><cookie name='a'>b</cookie></cookies></source>`)).rejects.toThrow("cookies of a 'http' disk are not supported");
    await expect(storage(`<source protocol='rbd' name='p/i'><host name='h'/><snapshot name='s'/></source>`)).rejects.toThrow("an 'rbd' disk's config file or snapshot is not supported");
    await expect(storage(`<source protocol='ssh' name='i'><host name='h'/></source>`)).rejects.toThrow("disk protocol 'ssh' is not supported by this driver yet");
    await expect(storage(`<source protocol='nbd'><host name='h'/><encryption format='luks'/></source>`)).rejects.toThrow("encryption of disk 'vda' is not supported by this driver yet");
  });

  it('reads an image served by qemu-nbd on a UNIX socket, through copy-on-read (QEMU 7.2, TCG)', async () => {
    if (qemuMissing()) return;
    if (!existsSync(QEMU_NBD)) {
      console.log(`skipped: ${QEMU_NBD} is not installed`);
      expect(process.env['CI']).not.toBe('true');
      return;
    }
    const image = join(root, 'disk.raw');
    writeFileSync(image, Buffer.alloc(4 * 1024 * 1024));
    const sock = join(root, 'nbd.sock');
    const nbd = spawn(QEMU_NBD, ['--persistent', '--shared=4', '--format=raw', '--export-name=disk', `--socket=${sock}`, image], { stdio: 'ignore' });
    children.push(nbd);
    for (let i = 0; i < 100 && !existsSync(sock); i++) await sleep(50);
    // Read through a copy-on-read layer, as libvirt stacks one for <driver copy_on_read='on'>.
    const xml = domain(`<source protocol='nbd' name='disk'><host transport='unix' socket='${sock}'/></source>`).replace("type='raw'/>", "type='raw' copy_on_read='on'/>");
    const def = parseQemuDomain(xml, false);
    const drv = { volumePath: () => Promise.reject(new Error('no storage driver here')) } as unknown as DriverContext;
    const disks = await resolveDisksForStart(drv, def.devices, def.os.boot);
    const args = buildCommandLine(def, { ...context(root), disks });
    await run(args, root, async (monitor) => {
      const nodes = await monitor.execute<Array<{ 'node-name': string; drv: string; image: { 'virtual-size': number } }>>('query-named-block-nodes');
      const node = nodes.find((n) => n['node-name'] === 'libvirt-1-storage');
      expect(node?.drv).toBe('nbd');
      expect(node?.image['virtual-size']).toBe(4 * 1024 * 1024);
      expect(nodes.find((n) => n['node-name'] === 'libvirt-CoR-vda')?.drv).toBe('copy-on-read');
    });
  }, 60_000);
});
