import { attr as attrOf, element, firstChild, type XmlElement } from '../../xml/xml-node.js';
import type { Binding } from '../../model/binding.js';

/** One image below a disk's source in its `<backingStore>` chain (libvirt's live XML, or as given). */
export interface BackingLayer {
  /** `file` or `block`. */
  type: string;
  /** libvirt's `index` of the image, as QEMU's node name numbers it. */
  index?: number;
  format?: string;
  /** The image's path: `<source file>` or `<source dev>`. */
  path?: string;
  /** Set on the last layer of a chain given only so far (no closing `<backingStore/>`: what lies below is read from the image). */
  open?: boolean;
}

/** A layer's element with the next ones nested inside; `<backingStore/>` closes a chain known to end. */
function layerElement(layers: readonly BackingLayer[], closed: boolean): XmlElement | undefined {
  const [top, ...rest] = layers;
  if (!top) return closed ? element('backingStore') : undefined;
  const attrs: Array<[string, string]> = [['type', top.type], ...(top.index !== undefined ? [['index', String(top.index)] as [string, string]] : [])];
  const source = element('source', top.path !== undefined ? [[top.type === 'block' ? 'dev' : 'file', top.path]] : []);
  const inner = layerElement(rest, closed && !top.open);
  return element('backingStore', attrs, [...(top.format !== undefined ? [element('format', [['type', top.format]])] : []), source, ...(inner ? [inner] : [])]);
}

/** The chain read from nested `<backingStore>` elements; `closed` when it ends in an empty one. */
function readChain(el: XmlElement): { layers: BackingLayer[]; closed: boolean } | undefined {
  let at = firstChild(el, 'backingStore');
  if (!at) return undefined;
  const layers: BackingLayer[] = [];
  while (at && (at.attrs.length > 0 || at.children.some((c) => c.kind === 'element'))) {
    const source = firstChild(at, 'source');
    const index = attrOf(at, 'index');
    const format = firstChild(at, 'format');
    const path = source && (attrOf(source, 'file') ?? attrOf(source, 'dev'));
    layers.push({
      type: attrOf(at, 'type') ?? 'file', ...(index !== undefined ? { index: Number(index) } : {}),
      ...(format && attrOf(format, 'type') !== undefined ? { format: attrOf(format, 'type')! } : {}), ...(path !== undefined ? { path } : {}),
    });
    at = firstChild(at, 'backingStore');
  }
  const last = layers[layers.length - 1];
  if (at === undefined && last) last.open = true;
  return { layers, closed: at !== undefined };
}

/**
 * A disk's backing chain as typed layers, top first; `[]` is a chain known to be empty
 * (`<backingStore/>`). An unchanged chain is left as written, other elements inside included.
 */
export function backingChain(): Binding<BackingLayer[]> {
  return {
    writes: { child: 'backingStore' },
    read: (el) => readChain(el)?.layers,
    write(el, v) {
      const old = readChain(el);
      if (old && v && JSON.stringify(old.layers) === JSON.stringify(v)) return;
      const at = el.children.findIndex((c) => c.kind === 'element' && c.name === 'backingStore');
      const kept = el.children.filter((c) => c.kind !== 'element' || c.name !== 'backingStore');
      const made = v === undefined ? undefined : layerElement(v, true);
      if (!made) {
        el.children = kept;
        return;
      }
      // In place of the old chain, else right after <source>, where libvirt writes it.
      const source = kept.findIndex((c) => c.kind === 'element' && c.name === 'source');
      const pos = at >= 0 ? at : source >= 0 ? source + 1 : kept.length;
      el.children = [...kept.slice(0, pos), made, ...kept.slice(pos)];
    },
  };
}
