import type { Options } from 'execa';
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
 * message names the command and carries its stderr, as libvirt's virCommandRun does.
 */
export async function runCommand(file: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  const shown = [file, ...args].join(' ');
  log.debug(`run: ${shown}`);
  const execOpts: Options = {
    reject: false,
    timeout: opts.timeoutMs ?? 60_000,
    stripFinalNewline: false,
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.env !== undefined ? { env: opts.env, extendEnv: false } : {}),
  };
  // Loaded on first use: execa is heavy, and most CLI runs never spawn anything.
  const { execa } = await import('execa');
  const r = await execa(file, [...args], execOpts);
  const stdout = String(r.stdout ?? '');
  const stderr = String(r.stderr ?? '');
  const domain = opts.domain ?? ErrorDomain.NONE;
  if (r.timedOut) {
    throw new VirError(ErrorCode.OPERATION_TIMEOUT, `${shown} did not finish within ${execOpts.timeout} ms`, domain);
  }
  if (r.failed && r.exitCode === undefined) {
    const cause = r.cause as NodeJS.ErrnoException | undefined;
    const why = cause?.code === 'ENOENT' ? 'No such file or directory' : (cause?.message ?? r.message);
    throw new VirError(ErrorCode.SYSTEM_ERROR, `Cannot run ${file}: ${why}`, domain, { cause });
  }
  const exitCode = r.exitCode ?? -1;
  if (!(opts.okExitCodes ?? [0]).includes(exitCode)) {
    const err = stderr.trim();
    throw new VirError(
      ErrorCode.INTERNAL_ERROR,
      `Child process (${shown}) unexpected exit status ${exitCode}${err ? `: ${err}` : ''}`,
      domain,
    );
  }
  return { stdout, stderr, exitCode };
}
