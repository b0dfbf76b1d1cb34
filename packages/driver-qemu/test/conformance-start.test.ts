import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommandLine } from '../src/command/qemu-command.js';
import { VNC_PORT_MIN } from '../src/command/device-args.js';
import type { DriverContext } from '../src/driver/driver-context.js';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { resolveDisksForStart } from '../src/driver/resolve-disks.js';
import { argsConformance, DOMAIN_CORPUS } from './conformance.js';
import { qemuMissing, qemuRuns } from './qemu-run.js';

const { root, context, run } = qemuRuns('qc-start');

/** The command line of a TCG corpus domain for a real run in `dir` (KVM ones are left out: /dev/kvm may not exist). */
async function commandLine(name: string, dir: string, xml = readFileSync(join(DOMAIN_CORPUS, 'in', `${name}.xml`), 'utf8')): Promise<string[] | undefined> {
  const def = parseQemuDomain(xml, false);
  if (def.type !== 'qemu') return undefined;
  const drv = { volumePath: () => Promise.reject(new Error('no storage driver here')) } as unknown as DriverContext;
  const disks = await resolveDisksForStart(drv, def.devices, def.os.boot);
  return buildCommandLine(def, { ...context(dir), disks, vncPort: VNC_PORT_MIN + 90 + (process.pid % 50) });
}

/**
 * A corpus domain with its disks' and memory modules' host paths pointed at empty raw images
 * made in `dir`: the command line is libvirt's but for those paths.
 */
function withLocalDisks(name: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  // A disk gets 1 MiB of zeroes; a memory module's file starts empty (QEMU sizes it).
  const image = (source: string, bytes = 1024 * 1024): string => {
    const path = join(dir, `${source.split('/').pop()}.img`);
    writeFileSync(path, Buffer.alloc(bytes));
    return path;
  };
  return readFileSync(join(DOMAIN_CORPUS, 'in', `${name}.xml`), 'utf8')
    .replaceAll("<disk type='block'", "<disk type='file'")
    .replace(/<source (?:dev|file)='(\/[^']+)'/g, (_, p: string) => `<source file='${image(p)}'`)
    .replace(/<path>(\/[^<]+)<\/path>/g, (_, p: string) => `<path>${image(p, 0)}</path>`);
}

/** Whether a command line needs nothing of the host but its run directory (no images, devices, sockets elsewhere). */
const selfContained = (args: readonly string[], dir: string): boolean =>
  args.every((w) => !/(?:^|[=":,])\//.test(w.replaceAll(`${dir}/`, ''))) && !args.includes('host') && !args.some((w) => w.startsWith('-spice') || /hugepages|vfio|vhost/.test(w));

/** Corpus domains whose command lines came to match libvirt's most recently: each that needs nothing of the host runs too. */
const RECENT = [
  'panic', 'watchdog', 'watchdog-dump', 'controller-virtio-scsi', 'net-virtio-rss', 'iothreads-virtio-scsi-pci', 'iothreads-ids-pool-sizes', 'numatune-system-memory',
  'disk-usb-device-removable', 'x86_64-default-cpu-tcg-features',
];

describe('command lines that match libvirt start under QEMU 7.2 (TCG)', () => {
  it('a sample of the exactly matching corpus domains (q35 first) reaches its monitor and runs', async () => {
    if (qemuMissing()) return;
    const matching = (await argsConformance()).filter((r) => r.failure === undefined).map((r) => r.name);
    const candidates: Array<{ name: string; args: string[]; dir: string }> = [];
    for (const name of matching) {
      const dir = join(root, String(candidates.length));
      const args = await commandLine(name, dir).catch(() => undefined);
      if (args && selfContained(args, dir)) candidates.push({ name, args, dir });
    }
    const q35 = (c: { args: string[] }): boolean => c.args.some((w) => w.startsWith('q35') || w.startsWith('pc-q35'));
    const first = [...candidates.filter(q35), ...candidates.filter((c) => !q35(c))].slice(0, 12);
    const recent: typeof candidates = [];
    for (const name of RECENT.filter((n) => matching.includes(n))) {
      const dir = join(root, `recent-${recent.length}`);
      const args = await commandLine(name, dir, withLocalDisks(name, dir));
      if (args && selfContained(args, dir)) recent.push({ name, args, dir });
    }
    const sample = [...first, ...recent];
    expect(sample.filter((c) => RECENT.includes(c.name)).length).toBeGreaterThanOrEqual(3);
    expect(sample.length).toBeGreaterThanOrEqual(6);
    expect(sample.filter(q35).length).toBeGreaterThanOrEqual(2);
    for (const { name, args, dir } of sample) {
      await run(args, dir, async (monitor) => {
        await monitor.execute('cont');
        const status = await monitor.execute<{ status: string }>('query-status');
        expect(status.status, name).toBe('running');
        console.log(`${name}: running`);
      }).catch((e: Error) => {
        throw new Error(`${name}: ${e.message}`);
      });
    }
  }, 120_000);
});
