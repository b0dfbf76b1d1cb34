import type { ElementSpec } from './element-spec.js';

/** Child and attribute order by slash-separated element path (`domain/devices/disk`). */
export type OrderTable = Readonly<Record<string, { readonly order?: readonly string[]; readonly attrs?: readonly string[] }>>;

/** Layout quirks by element path, merged over an order table. */
export type LayoutTable = Readonly<Record<string, Omit<ElementSpec, 'children'>>>;

/**
 * A spec made by `make` when first read. Building a document's tree costs milliseconds, which a
 * command that never formats that document (most of a cold start) should not pay.
 */
export function lazySpec(make: () => ElementSpec): ElementSpec {
  let spec: ElementSpec | undefined;
  const built = (): ElementSpec => (spec ??= make());
  return {
    get attrs() { return built().attrs; },
    get order() { return built().order; },
    get children() { return built().children; },
    get expanded() { return built().expanded; },
    get foreign() { return built().foreign; },
  };
}

/**
 * The spec tree of the document rooted at `root` from path-keyed tables, built when first read.
 * `order` makes its table then: the generated tables are thousands of entries.
 */
export function buildSpec(root: string, order: () => OrderTable, layout: LayoutTable = {}): ElementSpec {
  return lazySpec(() => buildTree(root, order(), layout));
}

function buildTree(root: string, order: OrderTable, layout: LayoutTable): ElementSpec {
  const nodes = new Map<string, { spec: ElementSpec; children: Record<string, ElementSpec> }>();
  const node = (path: string): { spec: ElementSpec; children: Record<string, ElementSpec> } => {
    let n = nodes.get(path);
    if (!n) {
      const children: Record<string, ElementSpec> = {};
      n = { spec: { ...order[path], ...layout[path], children }, children };
      nodes.set(path, n);
      const cut = path.lastIndexOf('/');
      if (cut > 0) node(path.slice(0, cut)).children[path.slice(cut + 1)] = n.spec;
    }
    return n;
  };
  for (const path of [...Object.keys(order), ...Object.keys(layout)]) if (path === root || path.startsWith(`${root}/`)) node(path);
  return node(root).spec;
}
