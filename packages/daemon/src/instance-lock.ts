import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { ErrorCode, VirError, writeFileAtomic } from '@tsvirt/util';

/** One daemon per root: held while the daemon runs, released by the kernel if it is killed. */
export interface InstanceLock {
  release(): Promise<void>;
}

/**
 * The lock is a Linux abstract unix socket named after the run directory: binding it is atomic,
 * and the kernel frees it when the holder dies, so a daemon killed with -9 never leaves a lock
 * that a restart must wait out (a pid file alone could name a recycled pid).
 */
function lockName(runDir: string): string {
  return `\0tsvirtd-${createHash('sha256').update(resolve(runDir)).digest('hex').slice(0, 32)}`;
}

async function holderPid(pidFile: string): Promise<string> {
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  return /^\d+/.exec(text)?.[0] ?? 'unknown';
}

/** Takes the root's lock and writes the pid file, or fails naming the daemon that holds it. */
export async function acquireInstanceLock(runDir: string, pidFile: string): Promise<InstanceLock> {
  const server: Server = createServer((s) => s.destroy());
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(e));
    server.listen(lockName(runDir), () => ok());
  }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EADDRINUSE') throw VirError.from(e, ErrorCode.SYSTEM_ERROR);
    const pid = await holderPid(pidFile);
    throw new VirError(ErrorCode.OPERATION_FAILED, `another tsvirtd (pid ${pid}) already serves the root of ${runDir}`);
  });
  server.unref();
  await writeFileAtomic(pidFile, `${process.pid}\n`, { mode: 0o644 });
  return {
    async release() {
      await rm(pidFile, { force: true });
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
