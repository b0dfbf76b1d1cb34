import { spawn } from 'node:child_process';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const D = ErrorDomain.NETWORK;
/** As util's runCommand: a tool that hangs is killed after a minute. */
const TIMEOUT_MS = 60_000;

/** What a finished host tool left behind. */
export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * Runs one of the host tools a network needs (ip, nft, tc, dnsmasq), never through a shell, and
 * fails as libvirt's virCommandRun does: `Child process (CMD) unexpected exit status N: STDERR`
 * with tc's or ip's whole message, trailing newline included, as libvirt keeps it. util's
 * runCommand trims stderr in that message; making it keep the whole text (and this a call of it)
 * changes every driver's wording, so it waits for a check against libvirt across drivers.
 */
export function runTool(file: string, args: readonly string[], opts: { input?: string; okExitCodes?: readonly number[] } = {}): Promise<ToolResult> {
  const shown = [file, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], timeout: TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'ENOENT' ? 'No such file or directory' : e.message;
      reject(new VirError(ErrorCode.SYSTEM_ERROR, `Cannot run ${file}: ${why}`, D, { cause: e }));
    });
    child.on('close', (code, signal) => {
      if (signal === 'SIGTERM' && code === null) {
        reject(new VirError(ErrorCode.OPERATION_TIMEOUT, `${shown} did not finish within ${TIMEOUT_MS} ms`, D));
        return;
      }
      const exitCode = code ?? -1;
      if ((opts.okExitCodes ?? [0]).includes(exitCode)) resolve({ stdout, stderr, exitCode });
      else reject(new VirError(ErrorCode.INTERNAL_ERROR, `Child process (${shown}) unexpected exit status ${exitCode}${stderr ? `: ${stderr}` : ''}`, D));
    });
  });
}
