import type { ElementSpec } from './element-spec.js';

/** Child and attribute order by slash-separated element path (`domain/devices/disk`). */
export type OrderTable = Readonly<Record<string, { readonly order?: readonly string[]; readonly attrs?: readonly string[] }>>;

/** Layout quirks by element path, merged over an order table. */
export type LayoutTable = Readonly<Record<string, Omit<ElementSpec, 'children'>>>;

/** Builds the spec tree of the document rooted at `root` from path-keyed tables. */
export function buildSpec(root: string, order: OrderTable, layout: LayoutTable = {}): ElementSpec {
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
