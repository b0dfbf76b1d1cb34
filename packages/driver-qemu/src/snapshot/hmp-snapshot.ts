import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { QmpClient } from '../qmp/qmp-client.js';

const D = ErrorDomain.QEMU;
/** savevm writes the whole guest memory into the image: no short command timeout applies. */
const SAVEVM_TIMEOUT_MS = 30 * 60_000;

/** HMP's own quoting of a snapshot name inside `"..."`. */
const quoted = (name: string): string => `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function hmp(mon: QmpClient, line: string): Promise<string> {
  return mon.execute<string>('human-monitor-command', { 'command-line': line }, SAVEVM_TIMEOUT_MS);
}

/**
 * Takes an internal snapshot of a running QEMU with HMP `savevm`, as libvirt 9.0 does with QEMU
 * 7.2 (it has no QMP `snapshot-save` path yet). HMP reports failures only in its text, read
 * with libvirt's words.
 */
export async function hmpSaveVm(mon: QmpClient, name: string): Promise<void> {
  const reply = await hmp(mon, `savevm ${quoted(name)}`);
  if (reply.includes('No block device can accept snapshots')) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'this domain does not have a device to take snapshots', D);
  }
  if (/Error while creating snapshot|Could not open VM state file|State blocked by non-migratable device|Error: /.test(reply) ||
      (reply.includes('Error') && reply.includes('while writing VM'))) {
    throw new VirError(ErrorCode.OPERATION_FAILED, `Failed to take snapshot: ${reply}`, D);
  }
}

/** Deletes an internal snapshot from a running QEMU's images with HMP `delvm`, read as libvirt reads it. */
export async function hmpDelVm(mon: QmpClient, name: string): Promise<void> {
  const reply = await hmp(mon, `delvm ${quoted(name)}`);
  if (reply.includes('No block device supports snapshots')) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'this domain does not have a device to delete snapshots', D);
  }
  if (reply.includes('Snapshots not supported on device')) throw new VirError(ErrorCode.OPERATION_INVALID, reply, D);
  if (/Error: |while deleting snapshot/.test(reply)) throw new VirError(ErrorCode.OPERATION_FAILED, `Failed to delete snapshot: ${reply}`, D);
}
