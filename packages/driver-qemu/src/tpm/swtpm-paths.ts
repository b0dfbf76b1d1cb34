import { dirname, join } from 'node:path';
import type { DriverPaths } from '../state/driver-paths.js';

/** The TPM versions swtpm emulates, as a `<backend version>` names them. */
export type TpmVersion = '1.2' | '2.0';

/** The version libvirt gives an emulated TPM that names none: 2.0 for CRB (which TPM 1.2 lacks), else 1.2. */
export const defaultTpmVersion = (model: string | undefined): TpmVersion => (model === 'tpm-crb' || model === 'tpm-spapr' ? '2.0' : '1.2');

/**
 * Where swtpm keeps each domain's TPM state: beside the driver's image directory, as libvirt keeps
 * `/var/lib/libvirt/swtpm` beside `/var/lib/libvirt/qemu` (here `/var/lib/tsvirt/swtpm`, and
 * `ROOT/lib/swtpm` for an embedded root), one directory per domain UUID. It outlives every run.
 */
export const swtpmStorageRoot = (p: DriverPaths): string => join(dirname(p.libDir), 'swtpm');

/** A domain's TPM state directory: `UUID/tpm1.2` or `UUID/tpm2`, as libvirt names them. */
export const tpmStateDir = (p: DriverPaths, uuid: string, version: TpmVersion): string =>
  join(swtpmStorageRoot(p), uuid, version === '2.0' ? 'tpm2' : 'tpm1.2');

/** Everything of a domain's TPM state (what undefine removes). */
export const tpmDomainDir = (p: DriverPaths, uuid: string): string => join(swtpmStorageRoot(p), uuid);

/** swtpm's and swtpm_setup's log of a domain. */
export const swtpmLogFile = (p: DriverPaths, name: string): string => join(p.logDir, `${name}-swtpm.log`);

/** The control socket and pid file of a run's swtpm: in the run directory, so they go with it. */
export const swtpmSocket = (runDir: string, index: number): string => join(runDir, `tpm${index}-swtpm.sock`);
export const swtpmPidFile = (runDir: string, index: number): string => join(runDir, `tpm${index}-swtpm.pid`);
