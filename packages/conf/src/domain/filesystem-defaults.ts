import { ceilKiB, toBytes } from '../units.js';
import { attr, childElements, firstChild, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';

/**
 * `<filesystem>` as libvirt keeps it: the access mode is always stated (passthrough unless told;
 * virtiofs has none), and a RAM filesystem's usage is held in KiB whatever unit it was written in.
 */
export function filesystemDefaults(devices: XmlElement): void {
  for (const fs of childElements(devices, 'filesystem')) {
    const virtiofs = attr(firstChild(fs, 'driver') ?? fs, 'type') === 'virtiofs';
    if (!virtiofs && attr(fs, 'accessmode') === undefined) setAttr(fs, 'accessmode', 'passthrough');
    const source = firstChild(fs, 'source');
    if (attr(fs, 'type') !== 'ram' || !source) continue;
    const usage = attr(source, 'usage')?.trim();
    // A usage that is not a number is left for the filesystem model to refuse in libvirt's words.
    if (!usage || !/^\d+$/.test(usage)) continue;
    setAttr(source, 'usage', String(ceilKiB(toBytes(usage, attr(source, 'units'), 'KiB'))));
    setAttr(source, 'units', 'KiB');
  }
}
