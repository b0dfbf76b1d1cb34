/** virNetworkUpdateCommand: what `virNetworkUpdate` does with the element it is given. */
export const NetworkUpdateCommand = { NONE: 0, MODIFY: 1, DELETE: 2, ADD_LAST: 3, ADD_FIRST: 4 } as const;
/** virNetworkUpdateSection: which part of the definition `virNetworkUpdate` changes. */
export const NetworkUpdateSection = {
  NONE: 0, BRIDGE: 1, DOMAIN: 2, IP: 3, IP_DHCP_HOST: 4, IP_DHCP_RANGE: 5, FORWARD: 6, FORWARD_INTERFACE: 7,
  FORWARD_PF: 8, PORTGROUP: 9, DNS_HOST: 10, DNS_TXT: 11, DNS_SRV: 12,
} as const;
