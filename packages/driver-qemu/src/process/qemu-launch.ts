import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, ErrorDomain, VirError, logger, processStartTime } from '@tsvirt/util';
import { QmpClient } from '../qmp/qmp-client.js';
import { followExit } from './child-exits.js';
import type { PassedFds } from './passed-fds.js';

const log = logger('qemu.process');
const D = ErrorDomain.QEMU;

/** How long QEMU may take to open its monitor socket. */
const MONITOR_WAIT_MS = 30_000;
const POLL_MS = 3;

/** How a QEMU process is started. */
export interface LaunchSpec {
  readonly binary: string;
  readonly args: readonly string[];
  /** QEMU's stdout and stderr go here; a failure message quotes what it wrote. */
  readonly logFile: string;
  /** QEMU's monitor socket. */
  readonly monitorPath: string;
  /** Descriptors QEMU inherits as its fd 3, 4, … (`FIRST_PASSED_FD` on: disks opened through descriptor groups). */
  readonly passFds?: readonly number[];
  /** Descriptors after those: the monitor's and chardevs' listening sockets, taps, a restore's stream. */
  readonly more?: PassedFds;
  /** Called with the pid as soon as the process exists, so that it is recorded before anything can fail; it runs while the monitor is connected to, and the launch waits for it. */
  readonly onSpawn: (pid: number, pidStart: string | undefined) => Promise<void>;
}

/** The number the first of `passFds` has in QEMU. */
export const FIRST_PASSED_FD = 3;

/** A started QEMU and an open monitor connection to it (the caller closes it). */
export interface LaunchedQemu {
  readonly pid: number;
  readonly pidStart: string | undefined;
  readonly monitor: QmpClient;
  /** What QEMU has written to its log since this start, for an error that quotes it. */
  readonly said: () => Promise<string>;
}

/**
 * Starts QEMU in its own session, with its output in the log, and connects to its monitor as
 * soon as the socket accepts. QEMU outlives the managing process. If QEMU exits first, the
 * error quotes what QEMU wrote, as libvirt's does.
 */
export async function launchQemu(spec: LaunchSpec): Promise<LaunchedQemu> {
  // The log is opened and written at once: five thread-pool trips were a wait each under load.
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const logFd = openSync(spec.logFile, 'a');
  const shown = [spec.binary, ...spec.args].join(' ');
  writeSync(logFd, `${new Date().toISOString()}: starting up\n${shown}\n`);
  const offset = fstatSync(logFd).size;
  log.debug(`launch: ${shown}`);
  let exited: string | undefined;
  let spawnError: Promise<Error> | undefined;
  const launch = (more: readonly number[]): ChildProcess => {
    const c = spawn(spec.binary, [...spec.args], {
      stdio: ['ignore', logFd, logFd, ...(spec.passFds ?? []), ...more],
      detached: true,
      env: { ...process.env, LC_ALL: 'C' },
    });
    // Listened for at once: a spawn failure is emitted on the next tick, and unheard it kills the
    // process; a QEMU that fails at once may have exited before the next await is over.
    spawnError = new Promise<Error>((resolve) => c.once('error', resolve));
    c.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `exit status ${code}`));
    followExit(c);
    return c;
  };
  const child = await Promise.resolve(spec.more ? spec.more.spawnWith(launch) : launch([])).finally(() => closeSync(logFd));
  child.unref();
  if (child.pid === undefined) {
    const e = await spawnError!;
    throw new VirError(ErrorCode.SYSTEM_ERROR, `Cannot run ${spec.binary}: ${e.message}`, D, { cause: e });
  }
  const said = async (): Promise<string> => (await readFile(spec.logFile, 'utf8').catch(() => '')).slice(offset).trim();
  const pid = child.pid!;
  const pidStart = await processStartTime(pid);
  // The pid's record (a status write and its fsync) is made while QEMU comes up to its greeting,
  // and is settled before this returns or fails. Handled at once: a failure is thrown below.
  const recorded = spec.onSpawn(pid, pidStart);
  recorded.catch(() => undefined);
  let monitor: QmpClient;
  try {
    monitor = await connectMonitor(spec.monitorPath, () => exited, said);
  } catch (e) {
    await recorded.catch(() => undefined);
    throw e;
  }
  try {
    await recorded;
  } catch (e) {
    monitor.close();
    throw e;
  }
  return { pid, pidStart, monitor, said };
}

/**
 * Connects to a starting QEMU's monitor: a socket the driver made accepts at once and QEMU
 * greets when it is ready; one QEMU makes itself is retried until it exists. Either fails once
 * QEMU is gone (`exited` names how).
 */
async function connectMonitor(path: string, exited: () => string | undefined, said: () => Promise<string>): Promise<QmpClient> {
  const until = Date.now() + MONITOR_WAIT_MS;
  for (;;) {
    const how = exited();
    if (how !== undefined) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `process exited while connecting to monitor: ${(await said()) || how}`, D);
    }
    try {
      return await QmpClient.open(path, Math.max(until - Date.now(), 1));
    } catch (e) {
      if (Date.now() > until) {
        throw new VirError(ErrorCode.OPERATION_TIMEOUT, `QEMU did not open its monitor '${path}' within ${MONITOR_WAIT_MS} ms`, D, { cause: e });
      }
    }
    await sleep(POLL_MS);
  }
}
