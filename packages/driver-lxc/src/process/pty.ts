import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';

/** A console pty pair: the master held by whoever serves the console, the slave given to the container. */
export interface ConsolePty {
  readonly master: number;
  readonly slave: number;
  /** The slave as the host names it (`/dev/pts/N`). */
  readonly path: string;
}

/** Opens a pty pair; the helper unlocks the master and names its slave (ioctls Node has no API for). */
export async function openPty(helper: string): Promise<ConsolePty> {
  const master = openSync('/dev/ptmx', constants.O_RDWR | constants.O_NOCTTY);
  try {
    const n = await new Promise<string>((resolve, reject) => {
      const child = spawn(helper, ['pty'], { stdio: [master, 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 && out.trim() ? resolve(out.trim()) : reject(new Error(`cannot set up the console pty: ${err.trim()}`))));
    });
    const path = `/dev/pts/${n}`;
    return { master, slave: openSync(path, constants.O_RDWR | constants.O_NOCTTY), path };
  } catch (e) {
    closeSync(master);
    throw e;
  }
}
