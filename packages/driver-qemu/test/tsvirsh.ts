import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built tsvirsh (tools/virsh), run as a user would run it. */
const CLI = fileURLToPath(new URL('../../../tools/virsh/dist/bundle/cli.js', import.meta.url));

export interface VirshRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs `tsvirsh -c URI ARGS...` in a child process. */
export function tsvirsh(uri: string, ...args: string[]): Promise<VirshRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, '-c', uri, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? Number((err as { code?: number }).code ?? 1) : 0 });
    });
  });
}
