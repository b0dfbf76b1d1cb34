import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DomainCoreDumpFlags as C, DomainCoreDumpFormat as Fmt, DomainEventDetail, DomainEventType, DomainPausedReason,
  DomainRunningReason, DomainShutoffReason, DomainState,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DriverContext } from '../driver/driver-context.js';
import { tearDown } from '../driver/domain-stop.js';
import { withMonitor } from '../driver/monitor.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { migrateToFile } from './migration-stream.js';

const D = ErrorDomain.QEMU;

/** dump-guest-memory's format of each DomainCoreDumpFormat. */
const QEMU_FORMATS: Record<number, string> = {
  [Fmt.RAW]: 'elf', [Fmt.KDUMP_ZLIB]: 'kdump-zlib', [Fmt.KDUMP_LZO]: 'kdump-lzo', [Fmt.KDUMP_SNAPPY]: 'kdump-snappy', [Fmt.WIN_DMP]: 'win-dmp',
};

/** Writes the dump: QEMU's guest memory as ELF or kdump (memory only), else its whole state as a migration stream. */
async function writeDump(mon: QmpClient, s: ActiveStatus, to: string, format: number, memoryOnly: boolean): Promise<void> {
  if (memoryOnly) {
    await mon.execute('dump-guest-memory', { paging: false, protocol: `file:${to}`, format: QEMU_FORMATS[format] }, 600_000);
    return;
  }
  const file = await open(to, 'w', 0o600);
  try {
    await migrateToFile(mon, join(s.runDir, 'dump.sock'), file, 0);
  } finally {
    await file.close();
  }
}

/**
 * A core dump as libvirt's QEMU driver makes one: the guest is paused for it unless `LIVE`,
 * then crashed (`CRASH`: shut off, crashed), reset (`RESET`) or let run again as it was. A
 * failure removes the file and lets the guest run again. The caller holds the job lock.
 */
export async function coreDump(drv: DriverContext, s: ActiveStatus, to: string, format: number, flags: number): Promise<void> {
  checkFlags(flags, C.CRASH | C.LIVE | C.BYPASS_CACHE | C.RESET | C.MEMORY_ONLY, 'qemuDomainCoreDumpWithFormat', D);
  const memoryOnly = (flags & C.MEMORY_ONLY) !== 0;
  if (!memoryOnly && format !== Fmt.RAW) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'a dump in a format other than raw needs the memory-only flag', D);
  }
  const ref = { name: s.name, uuid: s.uuid, id: s.id };
  const pause = !(flags & C.LIVE) && s.state === DomainState.RUNNING;
  await withMonitor(s, async (mon) => {
    if (pause) {
      await mon.execute('stop');
      Object.assign(s, { state: DomainState.PAUSED, reason: DomainPausedReason.DUMP });
      await writeStatus(drv.paths, s);
      drv.events.raise(ref, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
    }
    try {
      await writeDump(mon, s, to, format, memoryOnly);
    } catch (e) {
      await rm(to, { force: true });
      throw e;
    } finally {
      if (pause && !(flags & C.CRASH)) {
        await mon.execute('cont');
        Object.assign(s, { state: DomainState.RUNNING, reason: DomainRunningReason.UNPAUSED });
        await writeStatus(drv.paths, s);
        drv.events.raise(ref, DomainEventType.RESUMED, DomainEventDetail.RESUMED.UNPAUSED);
      }
    }
    if (flags & C.RESET) await mon.execute('system_reset');
  });
  if (flags & C.CRASH) await tearDown(drv, s, DomainShutoffReason.CRASHED, { detail: DomainEventDetail.STOPPED.CRASHED });
}
