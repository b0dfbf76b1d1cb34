import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCommandLine } from '../src/command/qemu-command.js';
import { VNC_PORT_MIN } from '../src/command/device-args.js';
import type { DriverContext } from '../src/driver/driver-context.js';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { resolveDisksForStart } from '../src/driver/resolve-disks.js';
import { launchQemu } from '../src/process/qemu-launch.js';
import { argsConformance, DOMAIN_CORPUS } from './conformance.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const root = mkdtempSync(join(tmpdir(), `qc-start-${process.pid}-`));
const pids: number[] = [];

afterAll(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(root, { recursive: true, force: true });
});

/** The command line of a TCG corpus domain for a real run in `dir` (KVM ones are left out: /dev/kvm may not exist). */
async function commandLine(name: string, dir: string, xml = readFileSync(join(DOMAIN_CORPUS, 'in', `${name}.xml`), 'utf8')): Promise<string[] | undefined> {
  const def = parseQemuDomain(xml, false);
  if (def.type !== 'qemu') return undefined;
  const drv = { volumePath: () => Promise.reject(new Error('no storage driver here')) } as unknown as DriverContext;
  const disks = await resolveDisksForStart(drv, def.devices, def.os.boot);
  return buildCommandLine(def, {
    accel: 'tcg', monitorPath: join(dir, 'monitor.sock'), masterKeyFile: join(dir, 'master-key.aes'), disks, vncPort: VNC_PORT_MIN + 90 + (process.pid % 50),
    hugepages: { defaultHugepageKiB: 2048, runName: name, hugepageDir: () => undefined },
  });
}

/**
 * A corpus domain with its disks' host paths (block devices, image files) pointed at empty raw
 * images made in `dir`: the command line is libvirt's but for those paths.
 */
function withLocalDisks(name: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const image = (source: string): string => {
    const path = join(dir, `${source.split('/').pop()}.img`);
    writeFileSync(path, Buffer.alloc(1024 * 1024));
    return path;
  };
  return readFileSync(join(DOMAIN_CORPUS, 'in', `${name}.xml`), 'utf8')
    .replaceAll("<disk type='block'", "<disk type='file'")
    .replace(/<source (?:dev|file)='(\/(?:dev|var\/lib)\/[^']+)'/g, (_, p: string) => `<source file='${image(p)}'`);
}

/** Whether a command line needs nothing of the host but its run directory (no images, devices, sockets elsewhere). */
const selfContained = (args: readonly string[], dir: string): boolean =>
  args.every((w) => !/(?:^|[=":,])\//.test(w.replaceAll(`${dir}/`, ''))) && !args.includes('host') && !args.some((w) => w.startsWith('-spice') || /hugepages|vfio|vhost/.test(w));

/** Corpus domains whose command lines came to match libvirt's most recently: each that needs nothing of the host runs too. */
const RECENT = [
  'panic', 'watchdog', 'watchdog-dump', 'controller-virtio-scsi', 'net-virtio-rss', 'iothreads-virtio-scsi-pci', 'iothreads-ids-pool-sizes', 'numatune-system-memory',
];

describe('command lines that match libvirt start under QEMU 7.2 (TCG)', () => {
  it('a sample of the exactly matching corpus domains (q35 first) reaches its monitor and runs', async () => {
    if (!existsSync(QEMU)) {
      console.log(`skipped: ${QEMU} is not installed`);
      expect(process.env['CI']).not.toBe('true');
      return;
    }
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
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'master-key.aes'), randomBytes(32), { mode: 0o600 });
      const q = await launchQemu({
        binary: QEMU, args, logFile: join(dir, 'qemu.log'), monitorPath: join(dir, 'monitor.sock'),
        onSpawn: async (pid) => {
          pids.push(pid);
        },
      }).catch((e: Error) => {
        throw new Error(`${name}: ${e.message}`);
      });
      try {
        await q.monitor.execute('cont');
        const status = await q.monitor.execute<{ status: string }>('query-status');
        expect(status.status, name).toBe('running');
        console.log(`${name}: running`);
        await q.monitor.execute('quit').catch(() => undefined);
      } finally {
        q.monitor.close();
      }
    }
  }, 120_000);
});
