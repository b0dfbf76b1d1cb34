import { defineStateFile, v, type StateFile } from '@tsvirt/conf/state';
import { ErrorDomain } from '@tsvirt/util';

/** What a running network left on the host, so that any process can find and undo it. */
export interface NetworkStatus {
  /** The live definition (XML). */
  readonly xml: string;
  /** Whether the bridge was made by us (false for forward mode bridge). */
  readonly bridgeCreated: boolean;
  /** dnsmasq's pid and start time (field 22 of /proc/PID/stat), when one runs. */
  readonly dnsmasq?: { readonly pid: number; readonly start: string };
  /** The nftables table holding the network's rules. */
  readonly firewall?: string;
  /** The tc qdiscs set on the bridge for `<bandwidth>`. */
  readonly bandwidth?: boolean;
}

const PROCESS = v.object({ pid: v.pipe(v.number(), v.safeInteger()), start: v.string() });

/**
 * A running network's status file (`NAME.json`): version 1 adds the envelope to the bare JSON
 * written before, whose shape it keeps. A file that is not one is a VirError naming it.
 */
export const STATUS_FILE: StateFile<NetworkStatus> = defineStateFile<NetworkStatus>({
  kind: 'network-status',
  version: 1,
  migrate: { 0: (old) => old },
  domain: ErrorDomain.NETWORK,
  schema: v.object({
    xml: v.string(), bridgeCreated: v.boolean(), dnsmasq: v.optional(PROCESS), firewall: v.optional(v.string()), bandwidth: v.optional(v.boolean()),
  }),
});
