import { spawn } from './spawn-lazily.js';
import { ErrorCode, ErrorDomain } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';
import { logger } from './logger.js';

const log = logger('util.command');

/** What a finished command left behind. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface RunOptions {
  /** Kill the command after this many milliseconds (default 60 s). */
  readonly timeoutMs?: number;
  /** Text fed to the command's standard input. */
  readonly input?: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Exit codes that are not failures (default only 0). */
  readonly okExitCodes?: readonly number[];
  /** Error domain to report failures in. */
  readonly domain?: ErrorDomain;
}

/**
 * Runs a program with an argument array (never through a shell) and returns its output. A
 * failure to start, a timeout or an exit code outside `okExitCodes` raises a VirError whose
 * message names the command and carries its whole stderr (trailing newline included), as
 * libvirt's virCommandRun does.
 */
export async function runCommand(file: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  const shown = [file, ...args].join(' ');
  log.debug(`run: ${shown}`);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const domain = opts.domain ?? ErrorDomain.NONE;
  const r = await spawnCollect(file, args, opts, timeoutMs);
  if (r.timedOut) {
    throw new VirError(ErrorCode.OPERATION_TIMEOUT, `${shown} did not finish within ${timeoutMs} ms`, domain);
  }
  if (r.error) {
    const why = r.error.code === 'ENOENT' ? 'No such file or directory' : r.error.message;
    throw new VirError(ErrorCode.SYSTEM_ERROR, `Cannot run ${file}: ${why}`, domain, { cause: r.error });
  }
  if (!(opts.okExitCodes ?? [0]).includes(r.exitCode)) {
    throw new VirError(
      ErrorCode.INTERNAL_ERROR,
      `Child process (${shown}) unexpected exit status ${r.exitCode}${r.stderr ? `: ${r.stderr}` : ''}`,
      domain,
    );
  }
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

interface Collected extends CommandResult {
  readonly timedOut: boolean;
  readonly error?: NodeJS.ErrnoException;
}

/**
 * Node's own spawn, not a process library: loading one cost a short-lived CLI process 60-80 ms,
 * more than most of the commands it runs.
 */
function spawnCollect(file: string, args: readonly string[], opts: RunOptions, timeoutMs: number): Promise<Collected> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      ...(opts.env !== undefined ? { env: opts.env } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let error: NodeJS.ErrnoException | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    // A command may exit without reading all of its input.
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input);
    child.on('error', (e: NodeJS.ErrnoException) => (error = e));
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');
      resolve({ stdout: text(out), stderr: text(err), exitCode: code ?? -1, timedOut, ...(error ? { error } : {}) });
    });
  });
}
