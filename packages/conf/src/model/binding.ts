import { childElements, element, firstChild, textNode, textOf, type XmlElement } from '../xml/xml-node.js';
import { cloneElement, setAttr } from '../xml/xml-edit.js';
import { str, type Codec } from './codec.js';
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
  return {
    writes: { attr: name },
    read(el) {
      const a = el.attrs.find(([n]) => n === name);
      return a ? codec.decode(a[1], { attr: name, element: el.name }) : undefined;
    },
    write(el, v) {
      const old = el.attrs.find(([n]) => n === name)?.[1];
      if (v !== undefined && old !== undefined && codec.decode(old, { attr: name, element: el.name }) === v) return;
      setAttr(el, name, v === undefined ? undefined : codec.encode(v));
    },
  };
}

/** The element's own text content. */
export function body(): Binding<string>;
export function body<T>(codec: Codec<T>): Binding<T>;
export function body<T>(codec: Codec<T> = str as unknown as Codec<T>): Binding<T> {
  return {
    read(el) {
      const t = textOf(el);
      return el.children.some((c) => c.kind === 'text') ? codec.decode(t.trim(), { element: el.name }) : undefined;
    },
    write(el, v) {
      const old = textOf(el).trim();
      if (v !== undefined && old !== '' && codec.decode(old, { element: el.name }) === v) return;
      el.children = [...el.children.filter((c) => c.kind !== 'text'), ...(v === undefined ? [] : [textNode(codec.encode(v))])];
    },
  };
}

const ENTRIES = new WeakMap<Shape, ReadonlyArray<readonly [string, Binding<unknown>]>>();

/** A shape's fields as a list, made once per shape: shapes are read for every element of every document. */
function entriesOf(shape: Shape): ReadonlyArray<readonly [string, Binding<unknown>]> {
  let entries = ENTRIES.get(shape);
  if (!entries) {
    entries = Object.entries(shape);
    ENTRIES.set(shape, entries);
  }
  return entries;
}

function readShape<S extends Shape>(shape: S, el: XmlElement): Fields<S> {
  const out: Record<string, unknown> = {};
  for (const [k, b] of entriesOf(shape)) {
    const v = b.read(el);
    if (v !== undefined) out[k] = v;
  }
  return out as Fields<S>;
}

function writeShape<S extends Shape>(shape: S, el: XmlElement, value: Fields<S>): void {
  for (const [k, b] of entriesOf(shape)) b.write(el, (value as Record<string, unknown>)[k]);
}

function isEmpty(el: XmlElement): boolean {
  return el.attrs.length === 0 && el.children.length === 0;
}

/** Replaces the `name` children of `el` by `news`, where the first of them stood (or at the end). */
function replaceChildren(el: XmlElement, name: string, news: XmlElement[]): void {
  const at = el.children.findIndex((c) => c.kind === 'element' && c.name === name);
  const rest = el.children.filter((c) => c.kind !== 'element' || c.name !== name);
  const cut = at < 0 ? rest.length : el.children.slice(0, at).filter((c) => c.kind !== 'element' || c.name !== name).length;
  el.children = [...rest.slice(0, cut), ...news, ...rest.slice(cut)];
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
      return cs.length ? cs.map((c) => readShape(shape, c)) : undefined;
    },
    write(el, v) {
      const olds = childElements(el, name);
      replaceChildren(el, name, (v ?? []).map((item, i) => {
        const c = olds[i] ?? element(name);
        writeShape(shape, c, item);
        return c;
      }));
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
