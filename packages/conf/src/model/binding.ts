import { attr as attrOf, childElements, element, firstChild, textNode, textOf, type XmlElement, type XmlNode } from '../xml/xml-node.js';
import { cloneElement, setAttr } from '../xml/xml-edit.js';
import { str, type Codec, type Place } from './codec.js';
import { placeNewInShapeOrder, snapshotOf, type XmlPlace } from './shape-order.js';

/**
 * One typed field and where it lives in an element: `read` takes it out (raising libvirt's error
 * for a bad value), `write` puts it back in place. Writing the value that was read changes nothing,
 * so a typed model formats back to exactly the element it came from, unknown parts included.
 */
export interface Binding<T> {
  read(el: XmlElement): T | undefined;
  write(el: XmlElement, value: T | undefined): void;
  /** The attribute or child element the field lives in, where it has one of its own. */
  readonly writes?: XmlPlace;
}

export type ValueOf<B> = B extends Binding<infer T> ? T : never;
export type Shape = Readonly<Record<string, Binding<unknown>>>;
/** The typed object a shape describes: every field optional, as in the XML. */
export type Fields<S extends Shape> = { -readonly [K in keyof S]?: ValueOf<S[K]> };

/** An attribute of the element. An unchanged value keeps the text it was written with. */
export function attr(name: string): Binding<string>;
export function attr<T>(name: string, codec: Codec<T>): Binding<T>;
export function attr<T>(name: string, codec: Codec<T> = str as unknown as Codec<T>): Binding<T> {
  // The place errors name, kept while the binding reads elements of one name (nearly always).
  let place: Place = { attr: name, element: '' };
  return {
    writes: { attr: name },
    read(el) {
      const a = attrOf(el, name);
      if (a === undefined) return undefined;
      if (place.element !== el.name) place = { attr: name, element: el.name };
      return codec.decode(a, place);
    },
    write(el, v) {
      const old = attrOf(el, name);
      if (old === undefined ? v === undefined : v !== undefined && codec.decode(old, { attr: name, element: el.name }) === v) return;
      setAttr(el, name, v === undefined ? undefined : codec.encode(v));
    },
  };
}

function hasText(el: XmlElement): boolean {
  for (let i = 0; i < el.children.length; i++) if (el.children[i]!.kind === 'text') return true;
  return false;
}

/** The element's own text content. */
export function body(): Binding<string>;
export function body<T>(codec: Codec<T>): Binding<T>;
export function body<T>(codec: Codec<T> = str as unknown as Codec<T>): Binding<T> {
  return {
    read(el) {
      return hasText(el) ? codec.decode(textOf(el).trim(), { element: el.name }) : undefined;
    },
    write(el, v) {
      if (v === undefined && !hasText(el)) return;
      const old = textOf(el).trim();
      if (v !== undefined && old !== '' && codec.decode(old, { element: el.name }) === v) return;
      el.children = [...el.children.filter((c) => c.kind !== 'text'), ...(v === undefined ? [] : [textNode(codec.encode(v))])];
    },
  };
}

/** A shape's field names and bindings, side by side. */
interface ShapeFields {
  readonly keys: readonly string[];
  readonly bindings: ReadonlyArray<Binding<unknown>>;
  /**
   * For shapes of at most 64 fields, which bindings may read something, as two 32-bit masks: those
   * of each attribute or child they live in (a binding reads nothing when its place is absent), and
   * those with no place of their own, read always.
   */
  readonly masks?: {
    readonly byAttr: ReadonlyMap<string, readonly [number, number]>;
    readonly byChild: ReadonlyMap<string, readonly [number, number]>;
    readonly always: readonly [number, number];
  };
}

const ENTRIES = new WeakMap<Shape, ShapeFields>();

function addBit(to: Map<string, [number, number]>, name: string, i: number): void {
  const m = to.get(name) ?? [0, 0];
  m[i >> 5]! |= 1 << (i & 31);
  to.set(name, m);
}

function masksOf(bindings: ReadonlyArray<Binding<unknown>>): ShapeFields['masks'] {
  if (bindings.length > 64) return undefined;
  const byAttr = new Map<string, [number, number]>();
  const byChild = new Map<string, [number, number]>();
  const always: [number, number] = [0, 0];
  for (let i = 0; i < bindings.length; i++) {
    const place = bindings[i]!.writes;
    if (place?.attr !== undefined) addBit(byAttr, place.attr, i);
    else if (place?.child !== undefined) addBit(byChild, place.child, i);
    else always[i >> 5]! |= 1 << (i & 31);
  }
  return { byAttr, byChild, always };
}

/** A shape's fields as lists, made once per shape: shapes are read for every element of every document. */
function entriesOf(shape: Shape): ShapeFields {
  let entries = ENTRIES.get(shape);
  if (!entries) {
    const bindings = Object.values(shape);
    entries = { keys: Object.keys(shape), bindings, masks: masksOf(bindings) };
    ENTRIES.set(shape, entries);
  }
  return entries;
}

/**
 * Reads each field of the shape. Most of a shape's fields are absent from any one element: with
 * masks, only the bindings whose attribute or child the element has are called (one pass over
 * its attributes and children instead of a search per field), in the shape's order.
 */
function readShape<S extends Shape>(shape: S, el: XmlElement): Fields<S> {
  const out: Record<string, unknown> = {};
  const { keys, bindings, masks } = entriesOf(shape);
  if (!masks) {
    for (let i = 0; i < keys.length; i++) {
      const v = bindings[i]!.read(el);
      if (v !== undefined) out[keys[i]!] = v;
    }
    return out as Fields<S>;
  }
  let lo = masks.always[0];
  let hi = masks.always[1];
  for (let i = 0; i < el.attrs.length; i++) {
    const m = masks.byAttr.get(el.attrs[i]![0]);
    if (m) {
      lo |= m[0];
      hi |= m[1];
    }
  }
  for (let i = 0; i < el.children.length; i++) {
    const c = el.children[i]!;
    if (c.kind !== 'element') continue;
    const m = masks.byChild.get(c.name);
    if (m) {
      lo |= m[0];
      hi |= m[1];
    }
  }
  for (let i = 0; i < keys.length; i++) {
    if (((i < 32 ? lo >>> i : hi >>> (i - 32)) & 1) === 0) continue;
    const v = bindings[i]!.read(el);
    if (v !== undefined) out[keys[i]!] = v;
  }
  return out as Fields<S>;
}

function writeShape<S extends Shape>(shape: S, el: XmlElement, value: Fields<S>): void {
  const { keys, bindings } = entriesOf(shape);
  for (let i = 0; i < keys.length; i++) bindings[i]!.write(el, (value as Record<string, unknown>)[keys[i]!]);
}

function isEmpty(el: XmlElement): boolean {
  return el.attrs.length === 0 && el.children.length === 0;
}

/** Replaces the `name` children of `el` by `news`, where the first of them stood (or at the end). */
function replaceChildren(el: XmlElement, name: string, news: readonly XmlElement[]): void {
  // Most writes of an absent field find nothing to remove: the children stay as they are.
  if (news.length === 0 && !firstChild(el, name)) return;
  const out: XmlNode[] = [];
  let placed = false;
  for (let i = 0; i < el.children.length; i++) {
    const c = el.children[i]!;
    if (c.kind !== 'element' || c.name !== name) out.push(c);
    else if (!placed) {
      placed = true;
      for (let j = 0; j < news.length; j++) out.push(news[j]!);
    }
  }
  if (!placed) for (let j = 0; j < news.length; j++) out.push(news[j]!);
  el.children = out;
}

/** A binding applied inside the first `name` child; the child goes when it is left empty. */
export function at<T>(name: string, inner: Binding<T>): Binding<T> {
  return {
    writes: { child: name },
    read(el) {
      const c = firstChild(el, name);
      return c ? inner.read(c) : undefined;
    },
    write(el, v) {
      let c = firstChild(el, name);
      if (!c) {
        if (v === undefined) return;
        c = element(name);
        el.children.push(c);
      } else if (v === undefined && inner.read(c) === undefined) {
        // Nothing to clear: an element that was empty as written stays (`<features/>`).
        return;
      }
      inner.write(c, v);
      if (isEmpty(c)) replaceChildren(el, name, []);
    },
  };
}

/** The text of the first `name` child (`<serial>ABC</serial>`). */
export function childText(name: string): Binding<string>;
export function childText<T>(name: string, codec: Codec<T>): Binding<T>;
export function childText<T>(name: string, codec: Codec<T> = str as unknown as Codec<T>): Binding<T> {
  return at(name, body(codec));
}

/** Whether an empty `<name/>` child is present (`<readonly/>`). */
export function flag(name: string): Binding<boolean> {
  return {
    writes: { child: name },
    read: (el) => (firstChild(el, name) ? true : undefined),
    write(el, v) {
      const has = firstChild(el, name) !== undefined;
      if (v && !has) el.children.push(element(name));
      if (!v && has) replaceChildren(el, name, []);
    },
  };
}

/** The first `name` child as a typed object. */
export function child<S extends Shape>(name: string, shape: S): Binding<Fields<S>> {
  return {
    writes: { child: name },
    read(el) {
      const c = firstChild(el, name);
      return c ? readShape(shape, c) : undefined;
    },
    write(el, v) {
      if (v === undefined) return replaceChildren(el, name, []);
      let c = firstChild(el, name);
      if (!c) {
        c = element(name);
        el.children.push(c);
      }
      writeShape(shape, c, v);
    },
  };
}

/** Every `name` child, in order, as typed objects; the i-th is written back over the i-th element. */
export function list<S extends Shape>(name: string, shape: S): Binding<Array<Fields<S>>> {
  return {
    writes: { child: name },
    read(el) {
      const cs = childElements(el, name);
      if (cs.length === 0) return undefined;
      const out: Array<Fields<S>> = [];
      for (let i = 0; i < cs.length; i++) out.push(readShape(shape, cs[i]!));
      return out;
    },
    write(el, v) {
      const olds = childElements(el, name);
      const news: XmlElement[] = [];
      for (let i = 0; i < (v?.length ?? 0); i++) {
        const c = olds[i] ?? element(name);
        writeShape(shape, c, v![i]!);
        news.push(c);
      }
      replaceChildren(el, name, news);
    },
  };
}

/** A typed object together with the element it was read from, which keeps what the type does not cover. */
export type Typed<S extends Shape> = Fields<S> & { xml?: XmlElement };

/** Parse and format of one element kind described by a shape. */
export interface Model<S extends Shape> {
  readonly name: string;
  readonly shape: S;
  parse(el: XmlElement): Typed<S>;
  /** The element for a typed object: its source element (copied) with the typed fields written over it. */
  format(value: Typed<S>): XmlElement;
}

/** How a model writes: `newInShapeOrder` puts attributes and children it adds among the written ones in the shape's order (libvirt's), not last. */
export interface ModelOptions {
  readonly newInShapeOrder?: boolean;
}

/**
 * The model of elements `name` with the fields `shape` gives. A shape given as a function is built
 * when the model is first used: conf defines some seventy models, and a process that reads a few
 * kinds of element (a CLI run, a driver's start-up) should not build the others' bindings.
 */
export function model<S extends Shape>(name: string, shape: S | (() => S), opts: ModelOptions = {}): Model<S> {
  let built: S | undefined = typeof shape === 'function' ? undefined : shape;
  const fields = (): S => (built ??= (shape as () => S)());
  return {
    name,
    get shape() {
      return fields();
    },
    parse(el) {
      const value: Typed<S> = readShape(fields(), el);
      value.xml = el;
      return value;
    },
    format(value) {
      const el = value.xml ? cloneElement(value.xml) : element(name);
      const before = opts.newInShapeOrder ? snapshotOf(el) : undefined;
      writeShape(fields(), el, value);
      if (before) placeNewInShapeOrder(fields(), el, before);
      return el;
    },
  };
}
