import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { startDaemon, type DaemonProcess } from './daemon-process.js';

/** What a command-line client (virsh, tsvirsh) printed and how it exited. */
export interface CliResult {
  readonly out: string;
  readonly err: string;
  readonly status: number | null;
}

/** Runs one virsh-style command against `uri`. */
export function runCli(bin: string, uri: string, cmd: string, timeout = 180_000): CliResult {
  const r = spawnSync(bin, ['-c', uri, cmd], { encoding: 'utf8', timeout });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

/**
 * Two tsvirtd, each serving its own embed root (two hosts for a migration), started before the
 * suite's tests and disposed after them; `cleanup` runs first against each daemon's URI.
 */
export function twoDaemons(cleanup: (uri: string) => void): { readonly daemons: DaemonProcess[]; readonly uris: string[] } {
  const daemons: DaemonProcess[] = [];
  const uris: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const d = await startDaemon();
      daemons.push(d);
      uris.push(`qemu+unix:///system?socket=${d.rw}`);
    }
  }, 120_000);
  afterAll(async () => {
    for (const uri of uris) cleanup(uri);
    for (const d of daemons) await d.dispose();
  });
  return { daemons, uris };
}
