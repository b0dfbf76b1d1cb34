import type { SharedDiskEntry } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { diskSourceLabel, type Sgio } from '../devices/qemu-disk.js';
import type { ResolvedDisk } from '../command/disk-props.js';
import type { ActiveStatus, SharedDiskUse } from '../state/domain-status.js';
import { deviceKey } from './device-key.js';
import { applyUnprivSgio, readUnprivSgio, wantedUnprivSgio } from './unpriv-sgio.js';

/** The unpriv_sgio a lun disk wants of its device. */
export interface SgioSetting {
  readonly key: string;
  readonly sgio: Sgio | undefined;
}

/** One row of the table: a device and the active domains holding it. */
export interface SharedDiskRow {
  readonly path: string;
  readonly domains: string[];
  /** The block device whose unpriv_sgio applies, when not the row's key (a SCSI hostdev's LUN). */
  readonly sgioKey?: string | undefined;
}

/**
 * The uses of shared devices among a domain's disks: every `<shareable/>` disk whose source is
 * a local block device. A `device='lun'` disk carries its sgio (filtered unless it says otherwise).
 */
export async function sharedUsesOf(disks: readonly ResolvedDisk[]): Promise<SharedDiskUse[]> {
  const uses: SharedDiskUse[] = [];
  for (const d of disks) {
    if (!d.view.shareable || !d.isBlock || d.path === undefined) continue;
    const key = await deviceKey(d.path);
    if (key === undefined) continue;
    uses.push({
      key,
      path: d.path,
      label: diskSourceLabel(d.view),
      sgio: d.view.device === 'lun' ? (d.view.sgio ?? 'filtered') : undefined,
      alias: d.alias,
    });
  }
  return uses;
}

/** What unpriv_sgio every `device='lun'` block disk asks of its device, shared or not. */
export async function sgioSettingsOf(disks: readonly ResolvedDisk[]): Promise<SgioSetting[]> {
  const out: SgioSetting[] = [];
  for (const d of disks) {
    if (d.view.device !== 'lun' || d.path === undefined) continue;
    const key = await deviceKey(d.path);
    if (key !== undefined) out.push({ key, sgio: d.view.sgio });
  }
  return out;
}

/**
 * The shared-disk table rebuilt from the status files of the active domains: keyed by
 * `major:minor`, each entry naming the domains that use the device. It is derived, never
 * stored, so it is right after any restart or crash of a managing process.
 */
export function buildSharedDiskTable(active: readonly ActiveStatus[]): Map<string, SharedDiskRow> {
  const table = new Map<string, SharedDiskRow>();
  for (const s of active) {
    for (const use of s.sharedDisks) {
      const row = table.get(use.key) ?? { path: use.path, domains: [], sgioKey: use.sgioKey };
      if (!row.domains.includes(s.name)) row.domains.push(s.name);
      table.set(use.key, row);
    }
  }
  return table;
}

/**
 * Checks that a domain may take its shared devices and sets their unpriv_sgio. A `lun` disk
 * whose device is already held by another active domain must agree with the device's current
 * unpriv_sgio; otherwise the start or attach is refused and nothing is changed. Returns what
 * puts every knob back, for a start or attach that fails later.
 */
export async function claimSharedDisks(
  table: ReadonlyMap<string, SharedDiskRow>,
  domain: string,
  uses: readonly SharedDiskUse[],
  settings: readonly SgioSetting[],
): Promise<() => Promise<void>> {
  for (const use of uses) {
    const holders = table.get(use.key)?.domains.filter((d) => d !== domain) ?? [];
    if (use.sgio === undefined || holders.length === 0) continue;
    const current = (await readUnprivSgio(use.sgioKey ?? use.key)) ?? 0;
    if (current !== wantedUnprivSgio(use.sgio)) {
      const what = use.hostdev ? 'scsi host device' : 'disk';
      throw new VirError(ErrorCode.OPERATION_INVALID, `sgio of shared ${what} '${use.label}' conflicts with other active domains`, ErrorDomain.QEMU);
    }
  }
  const undo: Array<() => Promise<void>> = [];
  const rollBack = async (): Promise<void> => {
    for (const u of undo.reverse()) await u();
  };
  try {
    for (const s of settings) undo.push(await applyUnprivSgio(s.key, s.sgio));
  } catch (e) {
    await rollBack();
    throw e;
  }
  return rollBack;
}

/** The table as the API lists it, with the unpriv_sgio each device has now. */
export async function sharedDiskEntries(active: readonly ActiveStatus[]): Promise<SharedDiskEntry[]> {
  const table = buildSharedDiskTable(active);
  const keys = [...table.keys()].sort();
  return Promise.all(keys.map(async (key) => {
    const row = table.get(key)!;
    const v = await readUnprivSgio(row.sgioKey ?? key);
    const sgio = v === undefined ? 'n/a' : v === 1 ? 'unfiltered' : 'filtered';
    return { key, path: row.path, sgio, domains: [...row.domains].sort() } satisfies SharedDiskEntry;
  }));
}
