import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { SecretUsageType, type Connection } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** How the driver reaches the secret driver: a connection of its own, through the public API. */
export type WithConnection = <T>(fn: (conn: Connection) => Promise<T>) => Promise<T>;

/**
 * The passphrase of an encrypted TPM state: the value of the `vtpm` secret `<encryption
 * secret='UUID'/>` names, asked of the secret driver through the public API as libvirt asks.
 */
export async function tpmPassphrase(withConnection: WithConnection, uuid: string): Promise<Uint8Array> {
  return withConnection(async (conn) => {
    const secret = await conn.secretLookupByUUIDString(uuid);
    if (secret.getUsageType() !== SecretUsageType.VTPM) {
      throw new VirError(ErrorCode.INVALID_ARG, `secret with uuid ${uuid} is of type '${usageName(secret.getUsageType())}' not expected 'vtpm' type`, ErrorDomain.SECRET);
    }
    return secret.getValue();
  });
}

const usageName = (t: number): string => Object.entries(SecretUsageType).find(([, v]) => v === t)?.[0].toLowerCase() ?? 'none';

/** What a run of an swtpm program said: its exit code and stderr. */
export interface PassphraseRun {
  readonly exitCode: number;
  readonly stderr: string;
}

/**
 * Runs swtpm or swtpm_setup with the passphrase on descriptors 3 (and 4 and on, `copies` in all),
 * each a pipe closed after it is written, as libvirt passes it (`pwdfd=N`, `--pwdfile-fd N`): it
 * never reaches a file or the command line. Done when the program exits (a daemonising swtpm's
 * child keeps the pipes open).
 */
export function runWithPassphrase(file: string, args: readonly string[], passphrase: Uint8Array, copies: number, timeoutMs: number): Promise<PassphraseRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe', ...Array.from({ length: copies }, () => 'pipe' as const)] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    for (let fd = 3; fd < 3 + copies; fd++) {
      const pipe = child.stdio[fd] as Writable;
      pipe.on('error', () => undefined);
      pipe.end(Buffer.from(passphrase));
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new VirError(ErrorCode.SYSTEM_ERROR, `cannot execute binary ${file}: ${e.message}`, ErrorDomain.QEMU));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      child.stderr?.destroy();
      resolve({ exitCode: code ?? (signal ? 128 : 1), stderr });
    });
  });
}
