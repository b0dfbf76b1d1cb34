/**
 * How libvirt lays out one kind of element. Specs are data, not code: each document kind (domain,
 * network, ...) is a tree of them, and one formatter walks a lossless element tree against it.
 */
export interface ElementSpec {
  /** libvirt's attribute order. Attributes not listed keep their place after the listed one they followed. */
  readonly attrs?: readonly string[];
  /** libvirt's child element order, by name. Unlisted children keep their place after the listed one they followed. */
  readonly order?: readonly string[];
  /** Specs of child elements, by name. */
  readonly children?: Readonly<Record<string, ElementSpec>>;
  /** Printed as `<x>` and `</x>` on two lines even when empty, as libvirt does for some containers. */
  readonly expanded?: boolean;
  /** The subtree is foreign XML that libvirt hands to libxml2 to print (double quotes, libxml2 escaping). */
  readonly foreign?: boolean;
}
