import { deviceElement, formatDomainXML, parseDevice, parseDomainXML } from '@tsvirt/conf';
import { LXC_ARCH } from '../state/lxc-store.js';

/** The live XML with the console as libvirt shows a running container's: its pty, as `tty` and source, and alias console0. */
export function withConsolePty(xml: string, id: number, pty: string): string {
  const def = parseDomainXML(xml, { arch: LXC_ARCH });
  let n = 0;
  def.devices = def.devices.map((el) => {
    const dev = el.name === 'console' ? parseDevice(el) : undefined;
    if (dev?.kind !== 'console' || n++ > 0) return el;
    return deviceElement({ ...dev, tty: pty, sources: [{ path: pty }], alias: 'console0' });
  });
  return formatDomainXML(def, { id });
}
