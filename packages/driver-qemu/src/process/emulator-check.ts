import { statSync } from 'node:fs';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorDomain, systemError } from '@tsvirt/util';
import { emulatorOf } from '../command/qemu-command.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

/**
 * Refuses a definition whose `<emulator>` is missing or not an executable file, with libvirt's
 * words (it checks when it looks up the binary's capabilities, at define and at start), so that
 * a start fails before it makes anything rather than when QEMU is spawned.
 */
export async function checkEmulator(def: DomainDef): Promise<void> {
  const binary = emulatorOf(def);
  // A stat at once, not through the thread pool: a start's every pool trip is a wait under load.
  let st;
  try {
    st = statSync(binary);
  } catch (e) {
    throw systemError(`Cannot check QEMU binary ${binary}`, e as NodeJS.ErrnoException, ErrorDomain.QEMU);
  }
  if (!st.isFile() || (st.mode & 0o111) === 0) {
    throw systemError(`QEMU binary ${binary} is not executable`, errno(st.isDirectory() ? 'EISDIR' : 'EACCES'), ErrorDomain.QEMU);
  }
}
