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
