/**
 * A MAC address as libvirt's virMacAddrParse reads it (six groups of one or two hex digits joined
 * by `:`, blanks allowed after), written back as virMacAddrFormat does; undefined when it is not one.
 */
export function normalizeMac(text: string): string | undefined {
  const m = /^([0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5})(?:[\0- ].*)?$/is.exec(text);
  return m ? m[1]!.split(':').map((g) => g.padStart(2, '0').toLowerCase()).join(':') : undefined;
}
