import { stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { VOLUME_SPEC, element, formatXml, textNode, type XmlElement } from '@tsvirt/conf';
import { imageInfo } from './qemu-img.js';
import type { VolumeFacts } from './volume-facts.js';

const text = (name: string, value: string): XmlElement => element(name, [], [textNode(value)]);
const bytes = (name: string, value: bigint): XmlElement => element(name, [['unit', 'bytes']], [textNode(String(value))]);

/** A stat time as libvirt prints it: seconds, then nanoseconds when there are any. */
function timestamp(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const nsec = ns % 1_000_000_000n;
  return nsec ? `${sec}.${String(nsec).padStart(9, '0')}` : String(sec);
}

/** `<path>`, `<format>`, `<permissions>` and `<timestamps>` of a target or backing store (libvirt reads no birth time). */
function targetChildren(path: string, format: string | undefined, st: BigIntStats | undefined): XmlElement[] {
  const out = [text('path', path)];
  if (format !== undefined) out.push(element('format', [['type', format]]));
  if (st) {
    out.push(
      element('permissions', [], [text('mode', `0${(st.mode & 0o7777n).toString(8)}`), text('owner', String(st.uid)), text('group', String(st.gid))]),
      element('timestamps', [], [text('atime', timestamp(st.atimeNs)), text('mtime', timestamp(st.mtimeNs)), text('ctime', timestamp(st.ctimeNs)), text('btime', '0')]),
    );
  }
  return out;
}

/** The backing store element: its format from the image's header, else probed, and its stat when it exists. */
async function backingStore(backing: NonNullable<VolumeFacts['backing']>): Promise<XmlElement> {
  const st = await stat(backing.path, { bigint: true }).catch(() => undefined);
  const format = backing.format ?? (st ? (await imageInfo(backing.path))?.format : undefined);
  return element('backingStore', [], targetChildren(backing.path, format, st));
}

/** `<encryption>` of a LUKS volume, naming the secret found for it. */
const encryption = (secretUUID: string | undefined): XmlElement =>
  element('encryption', [['format', 'luks']], secretUUID ? [element('secret', [['type', 'passphrase'], ['uuid', secretUUID]])] : []);

/**
 * libvirt's volume XML of a dir pool's volume, as its refresh fills it in; `secretUUID` is the
 * volume secret whose usage is the volume's path, for an encrypted volume.
 */
export async function volumeXML(v: VolumeFacts, secretUUID?: string): Promise<string> {
  const children = [
    text('name', v.name),
    text('key', v.path),
    bytes('capacity', v.capacity),
    bytes('allocation', v.allocation),
    ...(v.physical !== undefined ? [bytes('physical', v.physical)] : []),
    element('target', [], [
      ...targetChildren(v.path, v.format, v.stat),
      ...(v.encrypted ? [encryption(secretUUID)] : []),
      ...(v.clusterSize !== undefined ? [element('clusterSize', [['unit', 'B']], [textNode(String(v.clusterSize))])] : []),
    ]),
  ];
  if (v.backing) children.push(await backingStore(v.backing));
  return formatXml(element('volume', [['type', v.type]], children), 0, VOLUME_SPEC);
}
