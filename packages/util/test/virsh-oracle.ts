import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

/**
 * Runs Debian's virsh 9.0 against its built-in test driver. virsh now and then hangs on a loaded
 * machine before it prints anything, so a run that times out is tried again (three tries).
 */
export function virshTest(args: readonly string[]): SpawnSyncReturns<string> {
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync('virsh', ['-c', 'test:///default', ...args], { encoding: 'utf8', timeout: 15_000 });
    if (!r.error) return r;
    if ((r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT' || attempt === 3) throw r.error;
  }
}

/** Per-case timeout for tests that ask virsh: three tries of 15 s. */
export const VIRSH_CASE_TIMEOUT = 50_000;
