import { dirname } from 'node:path';
import { defineStateFile, v, type StateFile } from '@tsvirt/conf/state';
import { ErrorDomain } from '@tsvirt/util';
import type { DomainStatus } from './domain-status.js';
import { BLOCK_JOB_RECORD } from '../blockjob/block-job-record.js';
import { isPlainStatus } from './status-shape.js';

const int = v.pipe(v.number(), v.safeInteger());

const SHARED_USE = v.object({
  key: v.string(), path: v.string(), label: v.string(), sgio: v.optional(v.picklist(['filtered', 'unfiltered'])), alias: v.string(),
  sgioKey: v.optional(v.string()), hostdev: v.optional(v.boolean()),
});
const SCSI_HOSTDEV_USE = v.object({ name: v.string(), alias: v.string(), shareable: v.boolean() });
const NET_PLUG = v.object({ index: int, tap: v.string(), bridge: v.string(), network: v.optional(v.string()), portUUID: v.optional(v.string()), unmanaged: v.optional(v.boolean()) });

/**
 * Version 0 is the bare JSON written before the envelope: unversioned (the first format) or
 * carrying `"version": 2`, both of today's shape. Any other inner version is not one of ours.
 */
function fromBare(old: unknown): unknown {
  const version = (old as { version?: unknown } | null)?.version;
  if (version !== undefined && version !== 1 && version !== 2) throw new Error(`unknown version ${JSON.stringify(version)}`);
  return old;
}

/**
 * The status file of a domain of the root whose state directory is `stateDir` (`NAME.json`, and
 * a run's hotplug journal): every field typed, and an active status's run directory inside the
 * state directory with its monitor in it, so a forged file never points the driver elsewhere.
 */
export function domainStatusFile(stateDir: string): StateFile<DomainStatus> {
  const schema = statusSchema(stateDir);
  return defineStateFile<DomainStatus>({
    kind: 'qemu-domain-status',
    version: 1,
    migrate: { 0: fromBare },
    domain: ErrorDomain.QEMU,
    // The schema's own run (valibot's `~run`, as its pipes wrap theirs) after a quick look that
    // takes the common status as it is (see status-shape.ts); the schema judges the rest.
    schema: { ...schema, '~run': (dataset, config) => (isPlainStatus(dataset.value, stateDir) ? { typed: true, value: dataset.value as DomainStatus } : schema['~run'](dataset, config)) },
  });
}

/** The schema of a status of the root whose state directory is `stateDir`. */
export function statusSchema(stateDir: string): v.GenericSchema<unknown, DomainStatus> {
  const runDirInside = (s: DomainStatus): boolean => s.phase === 'inactive' || (dirname(s.runDir) === stateDir && dirname(s.monitor) === s.runDir);
  return v.pipe(
    v.variant('phase', [
      v.object({
        phase: v.picklist(['starting', 'active']), name: v.string(), uuid: v.string(), id: int, state: int, reason: int,
        pid: v.optional(int), pidStart: v.optional(v.string()), runDir: v.string(), monitor: v.string(), xml: v.string(),
        startPaused: v.boolean(), persistent: v.boolean(), sharedDisks: v.array(SHARED_USE), scsiHostdevs: v.optional(v.array(SCSI_HOSTDEV_USE)), pendingUnplug: v.array(v.string()),
        pendingPlug: v.optional(v.string()), nextNode: int, diskNodes: v.record(v.string(), int), fakeReboot: v.boolean(),
        netPlugs: v.optional(v.array(NET_PLUG)), blockJobs: v.optional(v.record(v.string(), BLOCK_JOB_RECORD)),
        agentTimeout: v.optional(v.pipe(int, v.minValue(-2))), nextFdSet: v.optional(int),
      }),
      v.object({ phase: v.literal('inactive'), name: v.string(), reason: int }),
    ]),
    v.check<DomainStatus, string>(runDirInside, 'run directory outside the root'),
  );
}
