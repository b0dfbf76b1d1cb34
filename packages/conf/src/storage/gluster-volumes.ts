import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { childElements, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';

/** Every `volumes/volume` element under `el`, at any depth (libvirt's `//volumes/volume`). */
function volumeElements(el: XmlElement): XmlElement[] {
  const here = el.name === 'volumes' ? childElements(el, 'volume') : [];
  return [...here, ...childElements(el).flatMap(volumeElements)];
}

/**
 * The volume names `gluster --xml volume info` lists, read as libvirt's storage driver reads
 * them (virStorageUtilGlusterExtractPoolSources): each `//volumes/volume/name`.
 */
export function parseGlusterVolumeNames(xml: string): string[] {
  return volumeElements(parseXml(xml, 'gluster_cli_output', ErrorDomain.STORAGE)).map((v) => {
    const name = firstChild(v, 'name');
    const text = name ? textOf(name) : '';
    if (!text) throw new VirError(ErrorCode.INTERNAL_ERROR, 'failed to extract gluster volume name', ErrorDomain.STORAGE);
    return text;
  });
}
