import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { CommandContext } from '../src/command/qemu-command.js';
import { launchQemu } from '../src/process/qemu-launch.js';
import type { QmpClient } from '../src/qmp/qmp-client.js';

export const QEMU = '/usr/bin/qemu-system-x86_64';

/** Whether QEMU is here; without it a test says why it skips (never under CI). */
export function qemuMissing(): boolean {
  if (existsSync(QEMU)) return false;
  console.log(`skipped: ${QEMU} is not installed`);
  expect(process.env['CI']).not.toBe('true');
  return true;
}

/**
 * A test file's QEMU runs: a tmp root removed at the end, every QEMU started killed. `context`
 * gives a run directory's paths for the command builder; `run` starts QEMU there, hands its
 * monitor to `use`, and quits it.
 */
export function qemuRuns(prefix: string): {
  root: string;
  context: (dir: string) => Pick<CommandContext, 'accel' | 'monitorPath' | 'masterKeyFile' | 'hugepages'>;
  run: (args: string[], dir: string, use: (monitor: QmpClient) => Promise<void>) => Promise<void>;
} {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-${process.pid}-`));
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
  return {
    root,
    context: (dir) => ({
      accel: 'tcg', monitorPath: join(dir, 'monitor.sock'), masterKeyFile: join(dir, 'master-key.aes'),
      hugepages: { defaultHugepageKiB: 2048, runName: prefix, hugepageDir: () => undefined },
    }),
    async run(args, dir, use) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'master-key.aes'), randomBytes(32), { mode: 0o600 });
      const q = await launchQemu({
        binary: QEMU, args, logFile: join(dir, 'qemu.log'), monitorPath: join(dir, 'monitor.sock'),
        onSpawn: async (pid) => {
          pids.push(pid);
        },
      });
      try {
        await use(q.monitor);
        await q.monitor.execute('quit').catch(() => undefined);
      } finally {
        q.monitor.close();
      }
    },
  };
}
