import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode, ErrorDomain, VirError, logger } from '@tsvirt/util';
import { processStartTime } from './proc-info.js';

const log = logger('qemu.process');
const D = ErrorDomain.QEMU;

/** How a QEMU process is started. */
export interface LaunchSpec {
  readonly binary: string;
  readonly args: readonly string[];
  /** QEMU's stderr goes here until it has daemonized; the failure message quotes it. */
  readonly logFile: string;
  /** Where QEMU writes its pid (the `-pidfile` argument). */
  readonly pidFile: string;
}

/** A started QEMU: its pid and start time. */
export interface LaunchedQemu {
  readonly pid: number;
  readonly pidStart: string | undefined;
}

/** The lines QEMU wrote to the log since `offset`, for error messages. */
async function logSince(logFile: string, offset: number): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.slice(offset).trim();
}

/**
 * Starts QEMU with `-daemonize`: the process we spawn exits once QEMU has set up every device
 * and its monitor socket, so its exit status says whether the start worked, and the guest then
 * outlives the managing process. A failure raises QEMU's own words from the log.
 */
export async function launchQemu(spec: LaunchSpec): Promise<LaunchedQemu> {
  await mkdir(dirname(spec.logFile), { recursive: true });
  const logHandle = await open(spec.logFile, 'a');
  const offset = (await logHandle.stat()).size;
  const shown = [spec.binary, ...spec.args].join(' ');
  await logHandle.write(`${new Date().toISOString()}: starting up\n${shown}\n`);
  const headerEnd = (await logHandle.stat()).size;
  log.debug(`launch: ${shown}`);
  let code: number | null;
  try {
    code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(spec.binary, [...spec.args, '-daemonize'], {
        stdio: ['ignore', logHandle.fd, logHandle.fd],
        env: { ...process.env, LC_ALL: 'C' },
      });
      child.once('error', (e) => reject(new VirError(ErrorCode.SYSTEM_ERROR, `Cannot run ${spec.binary}: ${e.message}`, D, { cause: e })));
      child.once('exit', (c, signal) => resolve(signal ? -1 : c));
    });
  } finally {
    await logHandle.close();
  }
  if (code !== 0) {
    const said = await logSince(spec.logFile, headerEnd);
    throw new VirError(ErrorCode.INTERNAL_ERROR, `process exited while connecting to monitor: ${said || `exit status ${code}`}`, D);
  }
  const pid = Number((await readFile(spec.pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `QEMU started but left no pid in '${spec.pidFile}' (log ${spec.logFile}, from byte ${offset})`, D);
  }
  return { pid, pidStart: await processStartTime(pid) };
}
