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

/** The command line of a corpus domain for a real run in `dir` (TCG, no host resources). */
async function commandLine(name: string, dir: string): Promise<string[]> {
  const def = parseQemuDomain(readFileSync(join(DOMAIN_CORPUS, 'in', `${name}.xml`), 'utf8'), false);
  const drv = { volumePath: () => Promise.reject(new Error('no storage driver here')) } as unknown as DriverContext;
  const disks = await resolveDisksForStart(drv, def.devices, def.os.boot);
  return buildCommandLine(def, {
    accel: 'tcg', monitorPath: join(dir, 'monitor.sock'), masterKeyFile: join(dir, 'master-key.aes'), disks, vncPort: VNC_PORT_MIN + 90 + (process.pid % 50),
    hugepages: { defaultHugepageKiB: 2048, runName: name, hugepageDir: () => undefined },
  });
}

/** Whether a command line needs nothing of the host but its run directory (no images, devices, sockets elsewhere). */
const selfContained = (args: readonly string[], dir: string): boolean =>
  args.every((w) => !/(?:^|[=":,])\/(?!usr\/share\/)/.test(w.replaceAll(`${dir}/`, ''))) && !args.includes('host') && !args.some((w) => w.startsWith('-spice') || /hugepages|vfio|vhost/.test(w));

describe('command lines that match libvirt start under QEMU 7.2 (TCG)', () => {
  it('a sample of the exactly matching corpus domains, q35 first, boots and runs', async () => {
    if (!existsSync(QEMU)) {
      console.log(`skipped: ${QEMU} is not installed`);
      expect(process.env['CI']).not.toBe('true');
      return;
    }
    const matching = (await argsConformance()).filter((r) => r.failure === undefined).map((r) => r.name);
    const sample: Array<{ name: string; args: string[]; dir: string }> = [];
    for (const name of [...matching.filter((n) => n.includes('q35')), ...matching.filter((n) => !n.includes('q35'))]) {
      const dir = join(root, String(sample.length));
      const args = await commandLine(name, dir).catch(() => undefined);
      if (args && selfContained(args, dir) && sample.length < 8) sample.push({ name, args, dir });
    }
    expect(sample.length).toBeGreaterThanOrEqual(6);
    expect(sample.some((s) => s.name.includes('q35'))).toBe(true);
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
