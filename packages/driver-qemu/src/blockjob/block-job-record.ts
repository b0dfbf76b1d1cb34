import { v } from '@tsvirt/conf/state';

/** The kinds of block job, as libvirt names them in `<mirror job>` and virDomainBlockJobType. */
export type BlockJobKind = 'pull' | 'copy' | 'commit' | 'active-commit';

/**
 * A block job the driver started, kept in the status file so any process (and a restarted one)
 * can report, pivot or finish it: QEMU keeps the job itself (`auto-dismiss` off) until the driver
 * has taken its outcome.
 */
export interface BlockJobRecord {
  /** QEMU's job id (`copy-vda-libvirt-1-format`, as libvirt names them). */
  readonly id: string;
  readonly kind: BlockJobKind;
  /** The disk's device id in QEMU. */
  readonly alias: string;
  /** Bytes per second; 0 for unlimited. */
  speed: number;
  /** Where a copy goes or an active commit lands: the image the disk switches to on a pivot. */
  readonly dest?: { readonly path: string; readonly format: string; readonly block: boolean; readonly node?: number | undefined } | undefined;
  /** Images removed once a commit has succeeded (`--delete`). */
  readonly remove?: string[] | undefined;
  /** Whether the persistent definition follows a pivot (libvirt moves it for copies and active commits alike). */
  readonly followConfig: boolean;
  /** QEMU reported the job ready to pivot (a mirror in sync). */
  ready?: boolean | undefined;
}

/** The status file's schema of a record. */
export const BLOCK_JOB_RECORD = v.object({
  id: v.string(), kind: v.picklist(['pull', 'copy', 'commit', 'active-commit']), alias: v.string(), speed: v.number(),
  dest: v.optional(v.object({ path: v.string(), format: v.string(), block: v.boolean(), node: v.optional(v.number()) })),
  remove: v.optional(v.array(v.string())), followConfig: v.boolean(), ready: v.optional(v.boolean()),
});
