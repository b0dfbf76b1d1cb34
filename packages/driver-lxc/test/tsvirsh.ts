import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built tsvirsh (tools/virsh), run as a user would run it. */
export const CLI = fileURLToPath(new URL('../../../tools/virsh/dist/bundle/cli.js', import.meta.url));

export interface VirshRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs `tsvirsh -c URI ARGS...`, or with `program` another virsh, in a child process. */
export function virsh(uri: string, args: readonly string[], program?: string): Promise<VirshRun> {
  const [file, argv] = program ? [program, ['-c', uri, ...args]] : [process.execPath, [CLI, '-c', uri, ...args]];
  return new Promise((resolve) => {
    execFile(file, argv, { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? Number((err as { code?: number }).code ?? 1) : 0 });
    });
  });
}
