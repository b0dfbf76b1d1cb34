import { parseXml } from '@tsvirt/conf';
import {
  DomainBlockCommitFlags as C, DomainBlockCopyFlags as CP, DomainBlockCopyParam, DomainBlockJobAbortFlags, DomainBlockJobInfoFlags,
  DomainBlockPullFlags, DomainBlockRebaseFlags as R, DomainBlockResizeFlags, flagMask, findTypedParam,
  type DomainBlockJobEntryPoints, type DomainBlockJobInfo, type DomainRef, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { disksOf } from '../devices/qemu-disk.js';
import { typedDevice } from '../devices/typed-devices.js';
import { domainJob, requireActive } from '../driver/domain-access.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import { isActiveStatus } from '../state/domain-status.js';
import { abortJob, blockJobInfo, setJobSpeed, startCommit, startCopy, startPull, type CopyRequest, type JobScope } from './block-jobs.js';
import { resizeDisk, setThreshold } from './block-resize.js';

const D = ErrorDomain.QEMU;
/** The largest bandwidth in MiB/s that still fits QEMU's bytes/s (libvirt's LLONG_MAX >> 20). */
const MAX_MIB = (2n ** 63n - 1n) >> 20n;

/** A bandwidth in bytes/s, from MiB/s unless the call's flag says bytes. */
function speedOf(bandwidth: bigint, bytes: boolean): number {
  if (!bytes && bandwidth > MAX_MIB) throw new VirError(ErrorCode.OVERFLOW, `bandwidth must be less than ${MAX_MIB}`, D);
  return Number(bytes ? bandwidth : bandwidth << 20n);
}

/** Runs a block call on a running domain, under its job lock and with its monitor. */
function onMonitor<T>(drv: DriverContext, dom: DomainRef, fn: (c: JobScope) => Promise<T>): Promise<T> {
  return domainJob(drv, dom, true, async (d) => {
    const s = requireActive(d);
    return withMonitor(s, (mon) => fn({ drv, d, s, mon }));
  });
}

/** A typed parameter's number, when given. */
function paramNumber(params: readonly TypedParameter[], field: string): number | undefined {
  const p = findTypedParam(params, field);
  return p === undefined ? undefined : Number(p.value);
}

function checkGranularity(g: number | undefined): void {
  if (g !== undefined && (g <= 0 || (g & (g - 1)) !== 0)) throw new VirError(ErrorCode.INVALID_ARG, 'granularity must be power of 2', D);
}

/** The QEMU driver's block job entry points over one driver instance. */
export function blockJobEntryPoints(drv: DriverContext): Required<DomainBlockJobEntryPoints> {
  const copy = (dom: DomainRef, disk: string, req: CopyRequest, speed: number): Promise<void> => onMonitor(drv, dom, (c) => startCopy(c, disk, req, speed));
  return {
    async domainGetBlockJobInfo(dom, disk, flags): Promise<DomainBlockJobInfo | undefined> {
      checkFlags(flags, DomainBlockJobInfoFlags.BANDWIDTH_BYTES, 'qemuDomainGetBlockJobInfo', D);
      return onMonitor(drv, dom, (c) => blockJobInfo(c, disk, (flags & DomainBlockJobInfoFlags.BANDWIDTH_BYTES) !== 0));
    },
    async domainBlockJobAbort(dom, disk, flags) {
      checkFlags(flags, flagMask(DomainBlockJobAbortFlags), 'qemuDomainBlockJobAbort', D);
      await onMonitor(drv, dom, (c) => abortJob(c, disk, flags));
    },
    async domainBlockJobSetSpeed(dom, disk, bandwidth, flags) {
      checkFlags(flags, DomainBlockJobInfoFlags.BANDWIDTH_BYTES, 'qemuDomainBlockJobSetSpeed', D);
      const speed = speedOf(bandwidth, flags !== 0);
      await onMonitor(drv, dom, (c) => setJobSpeed(c, disk, speed));
    },
    async domainBlockPull(dom, disk, bandwidth, flags) {
      checkFlags(flags, DomainBlockPullFlags.BANDWIDTH_BYTES, 'qemuDomainBlockPull', D);
      const speed = speedOf(bandwidth, flags !== 0);
      await onMonitor(drv, dom, (c) => startPull(c, disk, undefined, speed));
    },
    async domainBlockRebase(dom, disk, base, bandwidth, flags) {
      checkFlags(flags, flagMask(R), 'qemuDomainBlockRebase', D);
      const speed = speedOf(bandwidth, (flags & R.BANDWIDTH_BYTES) !== 0);
      if (!(flags & R.COPY)) {
        if (flags & (R.SHALLOW | R.REUSE_EXT | R.COPY_RAW | R.COPY_DEV)) {
          throw new VirError(ErrorCode.INVALID_ARG, 'flags only valid with VIR_DOMAIN_BLOCK_REBASE_COPY', D);
        }
        await onMonitor(drv, dom, (c) => startPull(c, disk, base, speed));
        return;
      }
      if (base === undefined) throw new VirError(ErrorCode.INVALID_ARG, 'destination file is required', D);
      await copy(dom, disk, {
        path: base, format: flags & R.COPY_RAW ? 'raw' : undefined, block: (flags & R.COPY_DEV) !== 0, shallow: (flags & R.SHALLOW) !== 0,
        reuse: (flags & R.REUSE_EXT) !== 0, transientJob: false, syncWrites: false, granularity: undefined, bufSize: undefined,
      }, speed);
    },
    async domainBlockCopy(dom, disk, destxml, params, flags) {
      checkFlags(flags, flagMask(CP), 'qemuDomainBlockCopy', D);
      // The destination names no target: conf's typed disk, not the driver's view of a guest disk.
      const dest = typedDevice(parseXml(destxml, 'disk'), 'disk');
      const type = dest.type ?? 'file';
      const path = type === 'file' ? dest.source?.file : dest.source?.dev;
      if (path === undefined || (type !== 'file' && type !== 'block')) {
        throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'block copy destination must be a local file or block device', D);
      }
      const granularity = paramNumber(params, DomainBlockCopyParam.GRANULARITY);
      checkGranularity(granularity);
      await copy(dom, disk, {
        path, format: dest.driver?.type, block: type === 'block', shallow: (flags & CP.SHALLOW) !== 0, reuse: (flags & CP.REUSE_EXT) !== 0,
        transientJob: (flags & CP.TRANSIENT_JOB) !== 0, syncWrites: (flags & CP.SYNCHRONOUS_WRITES) !== 0,
        granularity, bufSize: paramNumber(params, DomainBlockCopyParam.BUF_SIZE),
      }, paramNumber(params, DomainBlockCopyParam.BANDWIDTH) ?? 0);
    },
    async domainBlockCommit(dom, disk, base, top, bandwidth, flags) {
      checkFlags(flags, flagMask(C), 'qemuDomainBlockCommit', D);
      const speed = speedOf(bandwidth, (flags & C.BANDWIDTH_BYTES) !== 0);
      const opts = { active: (flags & C.ACTIVE) !== 0, shallow: (flags & C.SHALLOW) !== 0, remove: (flags & C.DELETE) !== 0 };
      await domainJob(drv, dom, true, async (d) => {
        if (!isActiveStatus(d.status) && d.persistentDef) {
          // libvirt looks for the chain first, and a definition at rest has none.
          const found = disksOf(d.persistentDef.devices).find((x) => x.target === disk || x.path === disk);
          if (!found) throw new VirError(ErrorCode.INVALID_ARG, `disk '${disk}' not found in domain`, D);
          throw new VirError(ErrorCode.INVALID_ARG, base === undefined ? `could not find base image in chain for '${found.target}'`
            : `could not find image '${base}' beneath '${found.path ?? disk}' in chain for '${found.target}'`, D);
        }
        const s = requireActive(d);
        await withMonitor(s, (mon) => startCommit({ drv, d, s, mon }, disk, base, top, speed, opts));
      });
    },
    async domainBlockResize(dom, disk, size, flags) {
      checkFlags(flags, DomainBlockResizeFlags.BYTES, 'qemuDomainBlockResize', D);
      const bytes = flags & DomainBlockResizeFlags.BYTES ? size : size * 1024n;
      await onMonitor(drv, dom, (c) => resizeDisk(c, disk, bytes));
    },
    async domainSetBlockThreshold(dom, dev, threshold, flags) {
      checkFlags(flags, 0, 'qemuDomainSetBlockThreshold', D);
      await onMonitor(drv, dom, (c) => setThreshold(c, dev, threshold));
    },
  };
}
