/** virDomainInterfaceAddressesSource: where virDomainInterfaceAddresses looks. */
export const DomainInterfaceAddressesSource = { LEASE: 0, AGENT: 1, ARP: 2 } as const;
/** virIPAddrType. */
export const IPAddrType = { IPV4: 0, IPV6: 1 } as const;
