import { writeFileSync } from 'node:fs';

/** driver-qemu's console test guest: a boot sector answering each byte on COM1 with its case swapped. */
const ECHO_CODE = Buffer.from('bafd03eca80174fbbaf803ec3420eeebef', 'hex');

/** Writes the echo guest's boot disk. */
export function echoImage(path: string): void {
  const sector = Buffer.alloc(512);
  ECHO_CODE.copy(sector);
  sector.writeUInt16LE(0xaa55, 510);
  writeFileSync(path, sector);
}

/** A guest booting `img` whose serial port (and console) is a pty. */
export const echoGuestXml = (name: string, img: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
  <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${img}'/><target dev='hda' bus='ide'/></disk>
  <serial type='pty'><target port='0'/></serial><console type='pty'><target type='serial' port='0'/></console></devices></domain>`;
